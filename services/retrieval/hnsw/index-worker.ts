// The body of an index worker thread: it owns one shard's HNSW index (index-host.ts), so that
// the binding's synchronous add, search and save never block the gRPC event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { hostIndex } from './index-host.js';
import type { IndexRequest, IndexWorkerSetup } from './index-messages.js';

const port = parentPort;
if (port === null) throw new Error('index-worker must run as a worker thread');
const host = hostIndex(workerData as IndexWorkerSetup, (response, transfer) => port.postMessage(response, transfer));
port.on('message', (request: IndexRequest) => host.handle(request));
port.postMessage({ id: 0, ok: true, size: host.size });
