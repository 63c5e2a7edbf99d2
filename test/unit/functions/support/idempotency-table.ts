// The idempotency table as Powertools' DynamoDBPersistenceLayer uses it: a conditional PutItem
// for the INPROGRESS record (failing with the old item, ReturnValuesOnConditionCheckFailure
// ALL_OLD, when a live record exists), UpdateItem to COMPLETED with the result, DeleteItem when
// the wrapped function throws, GetItem as a fallback read.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;

export class FakeIdempotencyTable {
  readonly items = new Map<string, Item>();

  constructor(readonly tableName: string) {}

  /** Answers the persistence layer's calls on the mocked client. */
  serve(mock: AwsClientStub<DynamoDBClient>): void {
    mock.on(PutItemCommand, { TableName: this.tableName }).callsFake((input: PutItemCommandInput) => {
      const item = input.Item as Item;
      const id = item.id.S as string;
      const existing = this.items.get(id);
      if (existing && this.isLive(existing)) {
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: { httpStatusCode: 400 },
          Item: input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' ? existing : undefined,
        });
      }
      this.items.set(id, item);
      return {};
    });
    mock.on(UpdateItemCommand, { TableName: this.tableName }).callsFake((input: UpdateItemCommandInput) => {
      const key = input.Key as Item;
      const id = key.id.S as string;
      const item: Item = { ...(this.items.get(id) ?? key) };
      const names = input.ExpressionAttributeNames ?? {};
      const values = input.ExpressionAttributeValues ?? {};
      for (const assignment of String(input.UpdateExpression).replace(/^SET /, '').split(', ')) {
        const [name, value] = assignment.split(' = ');
        item[names[name]] = values[value];
      }
      this.items.set(id, item);
      return {};
    });
    mock.on(DeleteItemCommand, { TableName: this.tableName }).callsFake((input: DeleteItemCommandInput) => {
      this.items.delete((input.Key as Item).id.S as string);
      return {};
    });
    mock.on(GetItemCommand, { TableName: this.tableName }).callsFake((input: GetItemCommandInput) => ({
      Item: this.items.get((input.Key as Item).id.S as string),
    }));
  }

  /** The records as plain objects, for assertions. */
  records(): Record<string, unknown>[] {
    return [...this.items.values()].map((item) => unmarshall(item));
  }

  /** Mirrors the persistence layer's condition: a record blocks a new one until it expires. */
  private isLive(item: Item): boolean {
    const now = Date.now();
    if (Number(item.expiration?.N) < now / 1000) return false;
    if (item.status?.S === 'INPROGRESS' && item.in_progress_expiration && Number(item.in_progress_expiration.N) < now) {
      return false;
    }
    return true;
  }
}
