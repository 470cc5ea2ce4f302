import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';

/** One probe call: when it was sent, how it ended, and the whole answer. */
export interface ProbeAnswer {
  /** performance.now() when sent. */
  sentMs: number;
  latencyMs: number;
  /** gRPC status name: OK, DEADLINE_EXCEEDED, … */
  status: string;
  request: RecommendRequest;
  response: RecommendResponse__Output | undefined;
}

/** A running probe. */
export interface AnswerProbe {
  /** Stops sending; resolves once every call sent has ended, with all answers in send order. */
  stop(): Promise<ProbeAnswer[]>;
}

/**
 * Sends a Recommend every `intervalMs` (whatever the answers do), cycling through `requests`,
 * each with its own deadline, and keeps every answer whole. Beside the load generator (which
 * counts), the probe lets a drill look inside answers and at when things happened.
 */
export function startAnswerProbe(address: string, requests: readonly RecommendRequest[], options: { intervalMs: number; deadlineMs: number; apiToken: string }): AnswerProbe {
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1, interceptors: [bearerTokenInterceptor(options.apiToken)] });
  const answers: ProbeAnswer[] = [];
  const calls: Promise<void>[] = [];
  let n = 0;
  const send = (): void => {
    const request = requests[n++ % requests.length];
    const sentMs = performance.now();
    const answer: ProbeAnswer = { sentMs, latencyMs: 0, status: 'UNKNOWN', request, response: undefined };
    answers.push(answer);
    calls.push(
      callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), { deadline: Date.now() + options.deadlineMs }).then(
        (response) => {
          answer.response = response;
          answer.status = 'OK';
        },
        (error: unknown) => {
          answer.status = DlrsError.from(error).code;
        },
      ).finally(() => {
        answer.latencyMs = performance.now() - sentMs;
      }),
    );
  };
  const timer = setInterval(send, options.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(calls);
      client.close();
      return answers;
    },
  };
}

/** The `q`-quantile (0..1) of `values`, 0 when empty (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Counts of `keys`, e.g. statuses: `OK 120, UNAVAILABLE 3`. */
export function countsOf(keys: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, count]) => `${key} ${count}`).join(', ') || 'none';
}

/** The degraded reasons of an answer joined by '+', or 'full' when it is not degraded. */
export function answerKind(answer: ProbeAnswer): string {
  if (answer.response === undefined) return answer.status;
  return answer.response.degraded ? answer.response.degradedReasons.join('+') : 'full';
}

/** The most frequent degraded details of `answers` (what fell back and why), e.g. `3x shard 1: DEADLINE_EXCEEDED …`. */
export function frequentDetails(answers: readonly ProbeAnswer[], top = 2): string {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const detail = answer.response?.degradedDetail;
    if (detail) counts.set(detail, (counts.get(detail) ?? 0) + 1);
  }
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([detail, n]) => `${n}x ${detail}`)
      .join('; ') || 'none'
  );
}

/** Answers that fell back before reaching the shards (UserNet failed or was late): they cannot say anything about a shard. */
export function fellBackBeforeSearch(answer: ProbeAnswer): boolean {
  const reasons = answer.response?.degradedReasons ?? [];
  return reasons.includes('RANKING_UNAVAILABLE') && reasons.includes('POPULAR_FALLBACK') && !reasons.includes('SHARD_UNAVAILABLE');
}
