// npm run mappings: reads and changes the item mapping table (product code -> ERP item).
//   npm run mappings -- list [--system <erp>]
//   npm run mappings -- put <sku> <erp item id> --system <erp>
//   npm run mappings -- delete <sku> --system <erp>
// <erp> is the ERP's registry name (netsuite, sap-s4hana, business-central, odoo). Against the
// local hub by default; on AWS pass --table <ItemMappingTableName output> and the usual AWS
// credentials and region.
import '../local/node-setup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { connectToLocalHub, outputValue, tableOutputs } from './local-hub-connection';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args.splice(index, 2)[1] : undefined;
};
const table = option('table');
const system = option('system');
const USAGE =
  'Usage: npm run mappings -- list [--system <erp>] | put <sku> <erp item id> --system <erp> | delete <sku> --system <erp> [--table name]';
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
  const tableName = table ?? outputValue(local as NonNullable<typeof local>, tableOutputs.itemMappings);
  switch (command) {
    case 'list': {
      const { Items = [] } = await documents.send(new ScanCommand({ TableName: tableName }));
      const listed = Items.filter((item) => !system || item.system === system);
      for (const item of listed.sort((a, b) => `${a.sku} ${a.system}`.localeCompare(`${b.sku} ${b.system}`))) {
        console.log(`${String(item.sku).padEnd(24)} ${String(item.system).padEnd(18)} ${item.itemId}`);
      }
      break;
    }
    case 'put':
      if (!sku || !itemId || !system) throw new Error(USAGE);
      await documents.send(
        new PutCommand({ TableName: tableName, Item: { sku, system, itemId, updatedAt: new Date().toISOString() } }),
      );
      console.log(
        `${sku} now sells as ${system} item ${itemId}. Redrive the executions that failed with PRODUCT_NOT_MAPPED.`,
      );
      break;
    case 'delete':
      if (!sku || !system) throw new Error(USAGE);
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { sku, system } }));
      console.log(`${sku} no longer maps to a ${system} item.`);
      break;
    default:
      throw new Error(USAGE);
  }
  await local?.close();
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
