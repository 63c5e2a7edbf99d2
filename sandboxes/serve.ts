// Runs vendor sandboxes in a process of their own, as the real vendors are remote systems.
// Started by the local hub (local/sandboxes.ts): argv[2] is JSON of start options by system
// name; prints one JSON line {<system>: {url}} once all listen; stops cleanly (state saved) on
// SIGTERM or when stdin closes.
import { sandboxFor } from './registry';
import type { SandboxStartOptions, StartedSandbox } from './sandbox';

const requested = JSON.parse(process.argv[2] ?? '{}') as Record<string, SandboxStartOptions>;
const started: [string, StartedSandbox][] = [];
for (const [system, options] of Object.entries(requested)) {
  const definition = sandboxFor(system);
  if (!definition) throw new Error(`No sandbox plays system '${system}'`);
  started.push([system, await definition.start(options)]);
}
process.stdout.write(`${JSON.stringify(Object.fromEntries(started.map(([system, s]) => [system, { url: s.url }])))}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const [, sandbox] of started) await sandbox.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The hub holds our stdin open; if the hub dies without stopping us, we stop too.
process.stdin.on('end', stop);
process.stdin.resume();
