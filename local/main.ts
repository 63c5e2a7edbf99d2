// npm start: runs the whole hub on this machine from the synthesized CDK app.
//   --fresh      start from empty data (default: keep .hub/state between runs)
//   --latency=N  add N ms to every sandbox API answer
import './node-setup';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHub } from './hub';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const latency = flag('latency')?.split('=')[1];

const PORTS = { gateway: 4700, aws: 4701, dynamodb: 4702, sqs: 4703, salesforce: 4710, netsuite: 4720 };
const hub = await startHub({
  persist: !flag('fresh'),
  sandboxLatencyMs: latency ? Number(latency) : 0,
  ports: PORTS,
  log: (line) => console.log(line),
}).catch((error: Error & { code?: string }) => {
  if (error.code === 'EADDRINUSE' || /EADDRINUSE/.test(error.message)) {
    console.error(
      `A port the local hub uses (${Object.values(PORTS).join(', ')}) is taken: is another npm start running?`,
    );
  } else {
    console.error(`The local hub did not start: ${error.stack ?? error.message}`);
  }
  process.exit(1);
});

const runtimeFile = join(hub.dataDirectory, 'runtime.json');
writeFileSync(
  runtimeFile,
  JSON.stringify(
    {
      stackName: hub.stackName,
      region: hub.region,
      outputs: hub.outputs,
      endpoints: hub.endpoints,
      salesforceEndpointUrl: hub.salesforceEndpointUrl,
      sandboxes: hub.sandboxes && { salesforce: hub.sandboxes.salesforce.url, netsuite: hub.sandboxes.netsuite.url },
      tables: hub.tables,
      queues: hub.queues,
      stateMachines: hub.stateMachines,
      functions: hub.functions,
      awsEnvironment: hub.awsEnvironment,
    },
    null,
    2,
  ),
);

const webhooks = Object.entries(hub.outputs)
  .filter(([name]) => name.includes('WebhookUrl'))
  .map(([, o]) => `  ${o.value}\n    ${o.description ?? ''}`);
console.log(`
Integration hub running locally (${hub.stackName}), the same template and bundles cdk deploy uses.

Webhook URLs:
${webhooks.join('\n')}
  Salesforce sandbox delivers outbound messages to ${hub.salesforceEndpointUrl ?? '(no sandbox)'}

Sandboxes:
  Salesforce  ${hub.sandboxes?.salesforce.url ?? '-'}   state: GET /_sandbox/state
  NetSuite    ${hub.sandboxes?.netsuite.url ?? '-'}   state: GET /_sandbox/state

Where to look:
  Local AWS endpoint (EventBridge, Step Functions, Secrets Manager): ${hub.endpoints.aws}
  DynamoDB ${hub.endpoints.dynamodb}    SQS ${hub.endpoints.sqs}
  Correlation table: ${hub.tables['Tracking/Correlation']}
  Function logs: ${join(hub.dataDirectory, 'logs')}
  Everything above, as JSON: ${runtimeFile}

Try it: npm run demo        Stop: Ctrl-C (data stays in ${join(hub.dataDirectory, 'state')}; --fresh starts empty)
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('Stopping...');
  await hub.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
