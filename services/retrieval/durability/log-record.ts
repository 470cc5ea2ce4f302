import type { Item } from '../../../shared/features/index.js';

/** An upsert as logged: raw items with the embeddings and biases a model version gave them. */
export interface UpsertRecord {
  kind: 'upsert';
  modelVersion: string;
  dim: number;
  items: Item[];
  /** items.length × dim float32. */
  embeddings: Float32Array;
  biases: Float32Array;
}

/** A delete as logged. */
export interface DeleteRecord {
  kind: 'delete';
  ids: string[];
}

/** A mutation of the shard. */
export type LogRecord = UpsertRecord | DeleteRecord;

/** A mutation with its position in the log. */
export type LogEntry = LogRecord & { seq: number };
