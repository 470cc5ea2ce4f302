import type { Logger } from '../../shared/logging/index.js';
import { bundleRowsBytes } from '../../shared/proto/index.js';
import type { RankingService } from './ranking-service.js';

/** Synthetic Rank calls before SERVING: enough for the JIT to compile the hot path (parse, batch, split, top k). */
const WARMUP_CALLS = 200;
/** The candidates of a typical Recommend. */
const WARMUP_CANDIDATES = 300;

/**
 * Runs synthetic Rank requests (random embeddings of the served dimension) through the
 * service in-process, so that the first served requests find compiled code; the server's
 * full collection before SERVING then removes their garbage.
 */
export async function warmRanking(service: RankingService, maxCandidates: number, logger: Logger): Promise<void> {
  const startedMs = performance.now();
  const { dim, modelVersion } = service.model.info;
  const candidates = Math.min(WARMUP_CANDIDATES, maxCandidates);
  const bytes = (length: number): Buffer => Buffer.from(Float32Array.from({ length }, () => Math.random() * 2 - 1).buffer);
  const request = { requestId: 'warm-up', modelVersion, dim, userEmbedding: bytes(dim), userBias: 0, itemEmbeddings: bytes(candidates * dim), itemBiases: bytes(candidates), topK: 10, timeoutMs: 0, bundleRows: Buffer.alloc(0) };
  // With an item table, every other call names its candidates by bundle row (the gateway's usual request).
  const tableRows = Math.min(candidates, service.model.description.itemTable?.size ?? 0);
  const bundleRows = bundleRowsBytes(Uint32Array.from({ length: tableRows }, (_, row) => row));
  const byRow = tableRows === 0 ? request : { ...request, itemEmbeddings: Buffer.alloc(0), itemBiases: Buffer.alloc(0), bundleRows };
  for (let i = 0; i < WARMUP_CALLS; i++) await service.rank(i % 2 === 0 ? request : byRow, {});
  logger.info({ calls: WARMUP_CALLS, ms: Math.round(performance.now() - startedMs) }, 'ranking warmed up');
}
