// npm run mappings: reads and changes the item mapping table (product code -> ERP item).
//   npm run mappings -- list
//   npm run mappings -- put <sku> <erp item id> [--system netsuite]
//   npm run mappings -- delete <sku> [--system netsuite]
// Against the local hub by default; on AWS pass --table <ItemMappingTableName output> and the
// usual AWS credentials and region.
import '../local/node-setup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { connectToLocalHub } from './local-hub-connection';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args.splice(index, 2)[1] : undefined;
};
const table = option('table');
const system = option('system') ?? 'netsuite';
const [command, sku, itemId] = args;

async function main(): Promise<void> {
  const local = table ? undefined : await connectToLocalHub({ startIfNeeded: false, log: () => {} });
  const client = local
    ? new DynamoDBClient({
        region: local.region,
        endpoint: local.endpoints.dynamodb,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new DynamoDBClient({});
  const documents = DynamoDBDocumentClient.from(client);
  const tableName = table ?? local?.tables['Tracking/ItemMappings'];
  switch (command) {
    case 'list': {
      const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
      for (const item of Items.sort((a, b) => String(a.sku).localeCompare(String(b.sku)))) {
        console.log(`${String(item.sku).padEnd(24)} ${String(item.system).padEnd(10)} ${item.itemId}`);
      }
      break;
    }
    case 'put':
      if (!sku || !itemId) throw new Error('Usage: npm run mappings -- put <sku> <erp item id> [--system netsuite]');
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { sku, system, itemId, updatedAt: new Date().toISOString() } }),
      );
      console.log(
        `${sku} now sells as ${system} item ${itemId}. Redrive the executions that failed with PRODUCT_NOT_MAPPED.`,
      );
      break;
    case 'delete':
      if (!sku) throw new Error('Usage: npm run mappings -- delete <sku> [--system netsuite]');
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { sku, system } }));
      console.log(`${sku} no longer maps to a ${system} item.`);
      break;
    default:
      throw new Error(
        'Usage: npm run mappings -- list | put <sku> <erp item id> | delete <sku> [--system netsuite] [--table name]',
      );
  }
  await local?.close();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
