// Runs both vendor sandboxes in a process of their own, as the real vendors are remote systems.
// Started by the local hub (local/sandboxes.ts): options as JSON in argv[2]; prints one JSON line
// with the URLs once listening; stops cleanly (state saved) on SIGTERM or when stdin closes.
import { type NetSuiteSandboxOptions, startNetSuiteSandbox } from './netsuite';
import { type SalesforceSandboxOptions, startSalesforceSandbox } from './salesforce';

interface ServeOptions {
  salesforce: SalesforceSandboxOptions;
  netsuite: NetSuiteSandboxOptions;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ServeOptions;
const salesforce = await startSalesforceSandbox(options.salesforce);
const netsuite = await startNetSuiteSandbox(options.netsuite);
process.stdout.write(
  `${JSON.stringify({ salesforce: { url: salesforce.url, orgId: salesforce.orgId }, netsuite: { url: netsuite.url, accountId: netsuite.accountId } })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await salesforce.stop();
  await netsuite.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The hub holds our stdin open; if the hub dies without stopping us, we stop too.
process.stdin.on('end', stop);
process.stdin.resume();
