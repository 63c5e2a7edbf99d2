// One Lambda execution environment: a worker thread with the function's own environment
// variables that imports the bundled handler once (the cold start) and then serves
// invocations one at a time, as Lambda does. Plain JavaScript: it runs the deployed bundle
// and nothing else, with no TypeScript loader in between. Message shapes: protocol.ts.
import dns from 'node:dns';
import { createWriteStream } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const setup = workerData;

// The environment writes its own log file: relaying every line through the main thread would
// cost the hub's event loop a write per log line.
if (setup.logFile) {
  const log = createWriteStream(setup.logFile, { flags: 'a' });
  const write = (chunk, encoding, callback) => log.write(chunk, encoding, callback);
  process.stdout.write = write;
  process.stderr.write = write;
}

// Local queue URLs live under *.localhost (sqs.<region>.localhost), as AWS's live under
// sqs.<region>.amazonaws.com, and the SDK sends SQS calls to the queue URL's host. Names under
// .localhost are loopback (RFC 6761), which this machine's resolver does not implement.
const systemLookup = dns.lookup;
dns.lookup = (hostname, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  const settings = typeof options === 'object' && options !== null ? options : {};
  if (!String(hostname).endsWith('.localhost')) return systemLookup(hostname, options, callback);
  if (settings.all) return process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
  return process.nextTick(done, null, '127.0.0.1', 4);
};

function toLambdaError(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
}

function contextFor(requestId, deadline) {
  return {
    functionName: setup.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: setup.functionArn,
    memoryLimitInMB: String(setup.memorySize),
    awsRequestId: requestId,
    logGroupName: setup.logGroupName,
    logStreamName: `local/${setup.functionName}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

async function main() {
  let handler;
  const started = performance.now();
  try {
    const module = await import(pathToFileURL(setup.modulePath).href);
    handler = module[setup.handlerName];
    if (typeof handler !== 'function') {
      const error = new Error(`${setup.handlerName} is not a function exported by the bundle`);
      error.name = 'Runtime.HandlerNotFound';
      throw error;
    }
  } catch (error) {
    parentPort.postMessage({ type: 'init-error', error: toLambdaError(error) });
    return;
  }
  parentPort.postMessage({ type: 'ready', initMs: performance.now() - started });
  parentPort.on('message', async (request) => {
    try {
      const result = await handler(request.event, contextFor(request.requestId, request.deadline));
      parentPort.postMessage({ type: 'result', id: request.id, result: result ?? null });
    } catch (error) {
      parentPort.postMessage({ type: 'error', id: request.id, error: toLambdaError(error) });
    }
  });
}

void main();
