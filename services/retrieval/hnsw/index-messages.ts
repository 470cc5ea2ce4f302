import type { VectorIndexOptions } from '../../../shared/vector-index/index.js';

/** What an index worker starts from: its settings, and the file of a saved index to load, if any. */
export interface IndexWorkerSetup {
  options: VectorIndexOptions;
  loadPath: string | undefined;
  /** Longest stretch of adding the worker does before it answers the searches that arrived meanwhile. */
  turnBudgetMs: number;
}

/** A request to the index worker; `id` pairs it with its answer. */
export type IndexRequest =
  | { id: number; op: 'add'; slots: Int32Array; vectors: Float32Array }
  | { id: number; op: 'remove'; slots: Int32Array }
  | { id: number; op: 'search'; query: Float32Array; count: number }
  | { id: number; op: 'save'; path: string };

/** The worker's answer: the index size after the request, the hits of a search, or the error. */
export type IndexResponse =
  | { id: number; ok: true; size: number; slots?: Int32Array; similarities?: Float32Array }
  | { id: number; ok: false; message: string };
