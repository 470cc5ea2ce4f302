import type { Logger } from '../../shared/logging/index.js';
import type { RetrievalService } from './retrieval-service.js';

/** Synthetic searches before SERVING: enough for the JIT to compile the hot path (decode, search, read-out). */
const WARMUP_SEARCHES = 200;
/** A shard's share of a typical Recommend's 300 candidates, rounded up. */
const WARMUP_K = 300;

/**
 * Runs synthetic searches (random queries of the served dimension, embeddings included as
 * the gateway asks) through the service in-process, so that the first served requests find
 * compiled code; the server's full collection before SERVING then removes their garbage.
 * An empty shard has nothing to warm.
 */
export async function warmRetrieval(service: RetrievalService, served: { modelVersion: string; dim: number }, maxK: number, logger: Logger): Promise<void> {
  const startedMs = performance.now();
  const { modelVersion, dim } = served;
  const queries = Buffer.from(Float32Array.from({ length: dim }, () => Math.random() * 2 - 1).buffer);
  const request = { requestId: 'warm-up', modelVersion, dim, queries, k: Math.min(WARMUP_K, maxK), excludeIds: [], filter: null, includeEmbeddings: true, timeoutMs: 0, traceContext: {}, omitBundleEmbeddings: false };
  for (let i = 0; i < WARMUP_SEARCHES; i++) await service.search(request);
  logger.info({ searches: WARMUP_SEARCHES, ms: Math.round(performance.now() - startedMs) }, 'retrieval warmed up');
}
