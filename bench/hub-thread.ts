// A local hub on a thread of its own, for measuring a handler in the benchmark's main thread:
// the AWS stand-ins then answer from another event loop, as the real services answer from
// other machines, instead of competing with the handler being timed.
import '../local/node-setup';
import { parentPort, workerData } from 'node:worker_threads';
import { startHub } from '../local/hub';

const { options, busName, functionPath } = workerData as {
  options: Parameters<typeof startHub>[0];
  busName: string;
  functionPath: string;
};
const hub = await startHub(options);
// A bus without rules: the handler's events are accepted and go nowhere.
hub.eventBridge.addBus(busName);
const fn = hub.lambda.describe(hub.functions[functionPath]);
parentPort?.postMessage({
  awsEnvironment: hub.awsEnvironment,
  function: fn,
  secrets: Object.fromEntries(hub.secrets.list().map((s) => [s.arn, s.value])),
});
parentPort?.on('message', async (message: { type: string }) => {
  if (message.type === 'stop') {
    await hub.stop();
    parentPort?.postMessage({ type: 'stopped' });
  }
});
