import { InferencePool } from './inference-pool.js';
import type { InferenceJob, InferencePoolOptions, InferencePoolStats, InferenceResult } from './inference-pool.js';
import type { SessionReport } from './inference-messages.js';
import { InlineInference } from './inline-inference.js';

/** Where a model's sessions run: worker threads ({@link InferencePool}) or the event loop ({@link InlineInference}). */
export interface InferenceBackend {
  /** The session each network got. */
  readonly sessions: Record<string, SessionReport>;
  run(network: string, job: InferenceJob): Promise<InferenceResult>;
  stats(): InferencePoolStats;
  close(): Promise<void>;
}

/** Starts `options.size` inference worker threads, or runs the sessions inline on the event loop when it is 0. */
export function startInference(options: InferencePoolOptions): Promise<InferenceBackend> {
  return options.size === 0 ? InlineInference.start(options) : InferencePool.start(options);
}
