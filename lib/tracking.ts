// The hub's own state: delivery idempotency, the correlation of every business transaction,
// and the reference data that maps CRM products to ERP items.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { OUTPUTS, stackOutput } from './outputs';

export class Tracking extends Construct {
  /** Powertools idempotency records of webhook deliveries (key `id`, TTL on `expiration`). */
  public readonly idempotencyTable: TableV2;
  /** Transactions by correlation id, their steps, and pointers from business keys. */
  public readonly correlationTable: TableV2;
  /** Product code (sku) + ERP system -> ERP item id. */
  public readonly itemMappingTable: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const common = {
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    };
    this.idempotencyTable = new TableV2(this, 'Idempotency', {
      ...common,
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      // Only dedup memory: losing it on stack deletion loses nothing of value.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.correlationTable = new TableV2(this, 'Correlation', {
      ...common,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          // Sparse: only transactions waiting for a person carry `attention` (their flow).
          indexName: 'byAttention',
          partitionKey: { name: 'attention', type: AttributeType.STRING },
          sortKey: { name: 'updatedAt', type: AttributeType.STRING },
        },
      ],
      // The audit trail of every order outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.itemMappingTable = new TableV2(this, 'ItemMappings', {
      ...common,
      partitionKey: { name: 'sku', type: AttributeType.STRING },
      sortKey: { name: 'system', type: AttributeType.STRING },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stackOutput(
      this,
      OUTPUTS.correlationTable,
      'Transactions by correlation id and business keys',
      this.correlationTable.tableName,
    );
    stackOutput(
      this,
      OUTPUTS.itemMappingTable,
      'Product code to ERP item mappings (npm run mappings -- --table <this>)',
      this.itemMappingTable.tableName,
    );
  }
}
