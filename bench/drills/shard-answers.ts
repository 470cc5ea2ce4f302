import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import { pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';

/** Answers in a row that must reach every shard. */
const ANSWERS_IN_A_ROW = 5;
const POLL_INTERVAL_MS = 100;

/**
 * Asks Recommend (the drill users in turn) until ANSWERS_IN_A_ROW answers in a row come back
 * without SHARD_UNAVAILABLE, or `maxMs` passes: the gateway has its connection to a restarted
 * shard again. Resolves with the time it took, or undefined when it did not happen in time.
 */
export async function untilEveryShardAnswers(context: DrillContext, maxMs: number): Promise<number | undefined> {
  const { topology } = context;
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(topology.gatewayAddress, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    interceptors: [bearerTokenInterceptor(topology.apiToken)],
  });
  const startMs = performance.now();
  try {
    let inARow = 0;
    for (let i = 0; performance.now() - startMs < maxMs; i++) {
      const request = context.requests[i % context.requests.length];
      const answer = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), { deadline: Date.now() + context.deadlineMs }).catch(() => undefined);
      inARow = answer !== undefined && !answer.degradedReasons.includes('SHARD_UNAVAILABLE') ? inARow + 1 : 0;
      if (inARow === ANSWERS_IN_A_ROW) return performance.now() - startMs;
      await pause(POLL_INTERVAL_MS);
    }
    return undefined;
  } finally {
    client.close();
  }
}
