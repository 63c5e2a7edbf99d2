// npm run shadow: what shadow mode found during a cutover. Every order routed with a shadow ERP
// was also written there and compared field by field with the target ERP's record; this lists
// those comparisons, differences first.
//   npm run shadow -- [--system <shadow erp>] [--differences] [--json] [--table <CorrelationTableName output>]
// Against the local hub by default; on AWS pass --table and the usual AWS credentials and region.
import '../local/node-setup';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SYSTEM_NAMES } from '../functions/connectors/registry';
import { CorrelationStore, type ShadowComparison } from '../functions/stores/correlation-store';
import { connectToLocalHub, outputValue, tableOutputs } from './local-hub-connection';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const json = args.includes('--json');
const differencesOnly = args.includes('--differences');

async function main(): Promise<void> {
  const table = option('table');
  const local = table ? undefined : await connectToLocalHub({ startIfNeeded: false, log: () => {} });
  const client = local
    ? new DynamoDBClient({
        region: local.region,
        endpoint: local.endpoints.dynamodb,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      })
    : new DynamoDBClient({});
  const tableName = table ?? outputValue(local as NonNullable<typeof local>, tableOutputs.correlation);
  const store = new CorrelationStore(tableName, DynamoDBDocumentClient.from(client));
  const systems = option('system') ? [option('system') as string] : SYSTEM_NAMES;
  const comparisons: ShadowComparison[] = [];
  for (const system of systems) comparisons.push(...(await store.listShadowComparisons(system)));
  const shown = comparisons
    .filter((c) => !differencesOnly || c.status !== 'MATCH')
    .sort((a, b) => rank(a) - rank(b) || a.at.localeCompare(b.at));
  if (json) {
    const count = (status: string) => comparisons.filter((c) => c.status === status).length;
    const totals = {
      compared: comparisons.length,
      match: count('MATCH'),
      different: count('DIFFERENT'),
      failed: count('FAILED'),
    };
    console.log(JSON.stringify({ comparisons: shown, totals }, null, 2));
  } else {
    print(shown, comparisons.length);
  }
  await local?.close();
}

/** Differences and failures before matches. */
function rank(comparison: ShadowComparison): number {
  return comparison.status === 'MATCH' ? 1 : 0;
}

function print(shown: ShadowComparison[], total: number): void {
  if (total === 0) {
    console.log('No shadow comparisons yet: no route in hub:routing names a shadow ERP, or no order took one.');
    return;
  }
  for (const c of shown) {
    const orders = `${c.targetSystem} ${c.targetOrderNumber} / ${c.shadowSystem} ${c.shadowOrderNumber ?? '-'}`;
    console.log(`${c.status.padEnd(9)} deal ${c.crmReference}  ${orders}  (${c.at})`);
    for (const d of c.differences)
      console.log(`          ${d.field}: ${c.targetSystem} ${d.target}, ${c.shadowSystem} ${d.shadow}`);
    if (c.error) console.log(`          ${c.shadowSystem} refused the order: ${c.error}: ${c.message}`);
  }
  const different = shown.filter((c) => c.status !== 'MATCH').length;
  console.log(
    `\n${total} compared, ${different} with differences or failures${differencesOnly ? '' : `, ${total - different} matching`}.`,
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
