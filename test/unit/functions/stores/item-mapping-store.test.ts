import { BatchGetCommand, type BatchGetCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../../../functions/domain/errors';
import { ItemMappingStore } from '../../../../functions/stores/item-mapping-store';

const TABLE = 'hub-item-mappings';
const documents = mockClient(DynamoDBDocumentClient);

type Key = { sku: string; system: string };

function keysOf(input: BatchGetCommandInput): Key[] {
  return (input.RequestItems?.[TABLE]?.Keys ?? []) as Key[];
}

/** Answers BatchGet from a mapping of SKU to NetSuite item id, like the table would. */
function serveMappings(mappings: Record<string, string>) {
  documents.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
    Responses: {
      [TABLE]: keysOf(input)
        .filter((key) => key.sku in mappings)
        .map((key) => ({ ...key, itemId: mappings[key.sku] })),
    },
  }));
}

beforeEach(() => {
  documents.reset();
});

describe('ItemMappingStore.resolve', () => {
  it('returns the item of every mapped SKU for the ERP, leaving unmapped SKUs out', async () => {
    serveMappings({ 'SKU-LAPTOP-14': '1201', 'SKU-DOCK-USB4': '1202' });

    const items = await new ItemMappingStore(TABLE).resolve('netsuite', ['SKU-LAPTOP-14', 'SKU-DOCK-USB4', 'SKU-NEW']);

    expect(items).toEqual(
      new Map([
        ['SKU-LAPTOP-14', '1201'],
        ['SKU-DOCK-USB4', '1202'],
      ]),
    );
    expect(documents.commandCalls(BatchGetCommand)[0].args[0].input).toEqual({
      RequestItems: {
        [TABLE]: {
          Keys: [
            { sku: 'SKU-LAPTOP-14', system: 'netsuite' },
            { sku: 'SKU-DOCK-USB4', system: 'netsuite' },
            { sku: 'SKU-NEW', system: 'netsuite' },
          ],
        },
      },
    });
  });

  it('asks once per SKU even when it is on several lines', async () => {
    serveMappings({ 'SKU-LAPTOP-14': '1201' });

    await new ItemMappingStore(TABLE).resolve('netsuite', ['SKU-LAPTOP-14', 'SKU-LAPTOP-14', 'SKU-LAPTOP-14']);

    expect(keysOf(documents.commandCalls(BatchGetCommand)[0].args[0].input)).toEqual([
      { sku: 'SKU-LAPTOP-14', system: 'netsuite' },
    ]);
  });

  it('reads more than 100 SKUs in batches of at most 100 keys', async () => {
    const skus = Array.from({ length: 250 }, (_, i) => `SKU-${String(i).padStart(3, '0')}`);
    serveMappings(Object.fromEntries(skus.map((sku, i) => [sku, String(1000 + i)])));

    const items = await new ItemMappingStore(TABLE).resolve('netsuite', skus);

    const batches = documents.commandCalls(BatchGetCommand).map((call) => keysOf(call.args[0].input));
    expect(batches.map((keys) => keys.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((key) => key.sku)).toEqual(skus);
    expect(items.size).toBe(250);
    expect(items.get('SKU-249')).toBe('1249');
  });

  it('makes no call for an order without products', async () => {
    const items = await new ItemMappingStore(TABLE).resolve('netsuite', []);

    expect(items.size).toBe(0);
    expect(documents.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('asks again for exactly the unprocessed keys', async () => {
    documents
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [{ sku: 'SKU-LAPTOP-14', system: 'netsuite', itemId: '1201' }] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ sku: 'SKU-DOCK-USB4', system: 'netsuite' }] } },
      })
      .resolves({ Responses: { [TABLE]: [{ sku: 'SKU-DOCK-USB4', system: 'netsuite', itemId: '1202' }] } });

    const items = await new ItemMappingStore(TABLE).resolve('netsuite', ['SKU-LAPTOP-14', 'SKU-DOCK-USB4']);

    expect(items.get('SKU-DOCK-USB4')).toBe('1202');
    const calls = documents.commandCalls(BatchGetCommand);
    expect(calls).toHaveLength(2);
    expect(keysOf(calls[1].args[0].input)).toEqual([{ sku: 'SKU-DOCK-USB4', system: 'netsuite' }]);
  });

  it('gives up with Hub.Unavailable after five reads that leave keys unprocessed', async () => {
    documents.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => ({
      Responses: {},
      UnprocessedKeys: input.RequestItems,
    }));

    const failure = new ItemMappingStore(TABLE).resolve('netsuite', ['SKU-LAPTOP-14']);

    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow('The item mapping table kept returning unprocessed keys');
    expect(documents.commandCalls(BatchGetCommand)).toHaveLength(5);
  });

  it('turns a DynamoDB failure into Hub.Unavailable naming the error', async () => {
    const missing = Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    documents.on(BatchGetCommand).rejects(missing);

    await expect(new ItemMappingStore(TABLE).resolve('netsuite', ['SKU-LAPTOP-14'])).rejects.toMatchObject({
      name: 'Hub.Unavailable',
      message: 'The item mapping table could not be read (ResourceNotFoundException)',
      cause: missing,
    });
  });
});
