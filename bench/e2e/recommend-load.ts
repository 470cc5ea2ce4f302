// The load client of `make bench-e2e`, its own process so that its CPU is not the gateway's:
// closed-loop Recommend calls at a fixed concurrency for a fixed time, one JSON line out.
import { parseArgs } from 'node:util';
import { credentials } from '@grpc/grpc-js';
import { readBundle } from '../../shared/bundle/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { SeededRandom } from '../../shared/random/index.js';
import { summarise } from '../retrieval/measure.js';
import type { Timing } from '../retrieval/measure.js';

/** What one load run prints. */
export interface LoadResult extends Timing {
  concurrency: number;
  requests: number;
  /** Calls made during the warm-up, not in the statistics (for CPU per call over the whole run). */
  warmupRequests: number;
  degraded: number;
  errors: number;
}

/** Items in each anonymous user's inline context: a short recent history. */
const CONTEXT_ITEMS = 5;
/** A Recommend slower than this counts as an error rather than a latency. */
const CALL_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string' },
      /** The API token, sent as authorization: Bearer <token>. */
      token: { type: 'string' },
      bundle: { type: 'string' },
      concurrency: { type: 'string', default: '1' },
      'warmup-s': { type: 'string', default: '2' },
      'duration-s': { type: 'string', default: '10' },
      k: { type: 'string', default: '10' },
      candidates: { type: 'string', default: '300' },
      seed: { type: 'string', default: '7' },
      // 0: every request a fresh random context (the gateway's item cache mostly misses); N: N requests cycled (their items become hot).
      'request-pool': { type: 'string', default: '0' },
    },
  });
  if (values.address === undefined || values.bundle === undefined || values.token === undefined) throw new Error('--address, --token and --bundle are required');
  const concurrency = Number(values.concurrency);
  const k = Number(values.k);
  const candidates = Number(values.candidates);
  const { items } = await readBundle(values.bundle);
  const random = new SeededRandom(Number(values.seed));
  const client: RecommenderClient = new (loadProtos().grpcObject.dlrs.v1.Recommender)(values.address, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(values.token)] });
  const randomContext = (): { itemId: string; eventType: string }[] => Array.from({ length: CONTEXT_ITEMS }, () => ({ itemId: items[random.int(items.length)].id, eventType: 'view' }));
  const pool = Array.from({ length: Number(values['request-pool']) }, randomContext);
  let next = 0;
  const recommendOnce = (): Promise<RecommendResponse__Output> => {
    const interactions = pool.length > 0 ? pool[next % pool.length] : randomContext();
    const request = { requestId: `load-${++next}`, context: { interactions }, k, candidates };
    return callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), { deadline: Date.now() + CALL_DEADLINE_MS });
  };
  const run = async (seconds: number): Promise<{ latencies: number[]; degraded: number; errors: number; elapsedMs: number }> => {
    const latencies: number[] = [];
    let degraded = 0;
    let errors = 0;
    const started = performance.now();
    const stopAt = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < stopAt) {
          const t = performance.now();
          try {
            const response = await recommendOnce();
            latencies.push(performance.now() - t);
            if (response.degraded) degraded++;
          } catch {
            errors++;
          }
        }
      }),
    );
    return { latencies, degraded, errors, elapsedMs: performance.now() - started };
  };
  const warmup = await run(Number(values['warmup-s']));
  const measured = await run(Number(values['duration-s']));
  client.close();
  const result: LoadResult = {
    concurrency,
    requests: measured.latencies.length,
    warmupRequests: warmup.latencies.length + warmup.errors,
    degraded: measured.degraded,
    errors: measured.errors,
    ...summarise(Float64Array.from(measured.latencies), measured.elapsedMs),
  };
  console.log(JSON.stringify(result));
}

await main();
