import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** Starts the local DynamoDB on its own thread; `path` keeps the tables on disk. */
export async function startDynamoDb(options: {
  port: number;
  path?: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./dynamodb-thread.mjs', import.meta.url), { workerData: options });
  const [message] = (await once(worker, 'message')) as [{ type: string; port: number }];
  return {
    url: `http://127.0.0.1:${message.port}`,
    stop: async () => {
      const exited = once(worker, 'exit');
      worker.postMessage({ type: 'stop' });
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      await worker.terminate();
    },
  };
}
