// npm start: runs the whole hub on this machine from the synthesized CDK app.
//   --fresh      start from empty data (default: keep .hub/state between runs)
//   --latency=N  add N ms to every sandbox API answer
import './node-setup';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOXES, sandboxFor } from '../sandboxes/registry';
import { OUTPUTS } from '../stack-contract';
import { startHub } from './hub';

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
const latency = flag('latency')?.split('=')[1];

const PORTS = {
  gateway: 4700,
  aws: 4701,
  dynamodb: 4702,
  sqs: 4703,
  sandboxes: Object.fromEntries(SANDBOXES.map((s) => [s.system, s.defaultPort])),
};
const allPorts = [PORTS.gateway, PORTS.aws, PORTS.dynamodb, PORTS.sqs, ...Object.values(PORTS.sandboxes)];
const hub = await startHub({
  persist: !flag('fresh'),
  sandboxLatencyMs: latency ? Number(latency) : 0,
  ports: PORTS,
  log: (line) => console.log(line),
}).catch((error: Error & { code?: string }) => {
  if (error.code === 'EADDRINUSE' || /EADDRINUSE/.test(error.message)) {
    console.error(`A port the local hub uses (${allPorts.join(', ')}) is taken: is another npm start running?`);
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
      webhookEndpoints: hub.webhookEndpoints,
      sandboxes: hub.sandboxes?.urls ?? {},
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

const webhooks = Object.entries(hub.webhookEndpoints).map(
  ([system, url]) => `  ${sandboxFor(system)?.title ?? system} sandbox delivers to ${url}`,
);
const sandboxes = Object.entries(hub.sandboxes?.urls ?? {}).map(
  ([system, url]) => `  ${(sandboxFor(system)?.title ?? system).padEnd(18)} ${url}   state: GET /_sandbox/state`,
);
console.log(`
Integration hub running locally (${hub.stackName}), the same template and bundles cdk deploy uses.

Webhooks:
${webhooks.join('\n') || '  (no sending sandbox)'}

Sandboxes:
${sandboxes.join('\n') || '  (none)'}

Where to look:
  Local AWS endpoint (EventBridge, Step Functions, Secrets Manager): ${hub.endpoints.aws}
  DynamoDB ${hub.endpoints.dynamodb}    SQS ${hub.endpoints.sqs}
  Correlation table: ${hub.outputs[OUTPUTS.correlationTable]?.value}
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
