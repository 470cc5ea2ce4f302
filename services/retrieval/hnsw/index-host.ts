// What owns one shard's HNSW index, in an index worker thread or on the event loop: searches
// are answered as they arrive; mutations run one after another in arrival order, adding a few
// rows at a time and yielding between turns so that searches need not wait for a whole batch.
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { VectorIndex } from '../../../shared/vector-index/index.js';
import type { IndexRequest, IndexResponse, IndexWorkerSetup } from './index-messages.js';

/** Why 16 rows: one step adds 16 vectors, a few milliseconds even in a graph of a million, so a search waits at most about one turn. */
const ROWS_PER_STEP = 16;

/** Sends an answer to whoever asked (the buffers listed may be handed over rather than copied). */
export type IndexReply = (response: IndexResponse, transfer: ArrayBuffer[]) => void;

/**
 * Opens the index of `setup` (loading its file, if any) and returns the handler of its
 * requests; each answer goes to `reply`, a search's before the handler returns.
 */
export function hostIndex(setup: IndexWorkerSetup, reply: IndexReply): { size: number; handle(request: IndexRequest): void } {
  const index = setup.loadPath === undefined ? new VectorIndex(setup.options) : VectorIndex.load(setup.loadPath, setup.options);
  let mutations: Promise<void> = Promise.resolve();

  const failed = (id: number, error: unknown): void => reply({ id, ok: false, message: error instanceof Error ? error.message : String(error) }, []);

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
      reply({ id: request.id, ok: true, size: index.size }, []);
    } catch (error) {
      failed(request.id, error);
    }
  }

  function handle(request: IndexRequest): void {
    if (request.op !== 'search') {
      mutations = mutations.then(() => mutate(request));
      return;
    }
    try {
      const hits = index.search(request.query, 0, request.count);
      // Handed over when they own their buffers (no padding keys were cut off), copied otherwise.
      const owned = [hits.slots, hits.similarities].filter((a) => a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
      reply({ id: request.id, ok: true, size: index.size, slots: hits.slots, similarities: hits.similarities }, owned);
    } catch (error) {
      failed(request.id, error);
    }
  }

  return { size: index.size, handle };
}
