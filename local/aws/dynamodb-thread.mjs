// dynalite (DynamoDB's wire protocol over LevelDB) on a thread of its own, so the table work of
// every function does not queue behind the hub's other services on the main event loop.
// Plain JavaScript: it only starts the server. Messages: in {type:'stop'}, out {type:'listening', port}.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';

const server = dynalite({ path: workerData.path, createTableMs: 0 });
server.listen(workerData.port, '127.0.0.1', () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message.type === 'stop') server.close(() => parentPort.close());
});
