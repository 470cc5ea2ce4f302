// The body of an index worker thread: it owns one shard's HNSW index, so that the binding's
// synchronous add, search and save never block the gRPC event loop. Searches are answered as
// they arrive; mutations run one after another in arrival order, adding a few rows at a time
// and yielding between turns so that searches need not wait for a whole batch.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { VectorIndex } from '../../../shared/vector-index/index.js';
import type { IndexRequest, IndexResponse, IndexWorkerSetup } from './index-messages.js';

/** Why 16 rows: one step adds 16 vectors, a few milliseconds even in a graph of a million, so a search waits at most about one turn. */
const ROWS_PER_STEP = 16;

const port = parentPort;
if (port === null) throw new Error('index-worker must run as a worker thread');
const setup = workerData as IndexWorkerSetup;
const index = setup.loadPath === undefined ? new VectorIndex(setup.options) : VectorIndex.load(setup.loadPath, setup.options);
let mutations: Promise<void> = Promise.resolve();

function reply(response: IndexResponse, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(response, transfer);
}

function failed(id: number, error: unknown): void {
  reply({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
}

async function addInTurns(slots: Int32Array, vectors: Float32Array): Promise<void> {
  const dim = setup.options.dim;
  let turnStarted = performance.now();
  for (let start = 0; start < slots.length; start += ROWS_PER_STEP) {
    if (performance.now() - turnStarted >= setup.turnBudgetMs) {
      await nextTurn();
      turnStarted = performance.now();
    }
    const end = Math.min(slots.length, start + ROWS_PER_STEP);
    index.add(slots.subarray(start, end), vectors.subarray(start * dim, end * dim));
  }
}

async function mutate(request: Exclude<IndexRequest, { op: 'search' }>): Promise<void> {
  try {
    if (request.op === 'add') await addInTurns(request.slots, request.vectors);
    else if (request.op === 'remove') for (const slot of request.slots) index.remove(slot);
    else index.save(request.path);
    reply({ id: request.id, ok: true, size: index.size });
  } catch (error) {
    failed(request.id, error);
  }
}

port.on('message', (request: IndexRequest) => {
  if (request.op !== 'search') {
    mutations = mutations.then(() => mutate(request));
    return;
  }
  try {
    const hits = index.search(request.query, 0, request.count);
    // Transferred when they own their buffers (no padding keys were cut off), cloned otherwise.
    const owned = [hits.slots, hits.similarities].filter((a) => a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
    reply({ id: request.id, ok: true, size: index.size, slots: hits.slots, similarities: hits.similarities }, owned);
  } catch (error) {
    failed(request.id, error);
  }
});
reply({ id: 0, ok: true, size: index.size });
