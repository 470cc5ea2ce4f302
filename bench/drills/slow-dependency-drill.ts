import { performance } from 'node:perf_hooks';
import { deadServices, servicePids } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { failedCalls } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { runObservedPhase } from './observed-phase.js';
import { mib, sampleRss } from './process-memory.js';

/** Consecutive windows of load with the delay on: a pile-up shows as growth from one to the next. */
const WINDOWS = 3;
const WINDOW_MS = 3000;
/** The share of the capacity sent. */
/** Not growing: a later window's p99 at most this many times the first's, plus {@link GROWTH_SLACK_MS}. */
const GROWTH_FACTOR = 1.25;
/** Scheduling noise of a shared 2-core machine. */
const GROWTH_SLACK_MS = 25;
/** Chunks held by the proxy may vary this much between windows without being a pile-up. */
const PENDING_SLACK_CHUNKS = 50;
/** Answers flagged SHARD_UNAVAILABLE: nearly all (an answer that fell back before the search cannot be). */
const MIN_CUT_SHARE = 0.9;
/** Load after the delay is lifted, long enough to see when the shard's answers are back. */
const AFTER_MS = 6000;
/**
 * After the delay is lifted the proxy still passes on what it held (up to one delay); then the
 * shard must be answering within its budget again within this long, or requests piled up in it.
 */
const RECOVERY_ALLOWANCE_MS = 1000;

/**
 * One shard made slow by a proxy holding the bytes sent to it for the whole deadline: the gateway
 * must give up on it at its stage deadline and answer from the other shard, for as long as it
 * lasts, with nothing accumulating; then the delay is lifted and answers are whole again.
 */
export async function slowDependencyDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, slowShardProxy: proxy } = context;
  const delayMs = deadlineMs;
  const rps = context.faultLoadShare * capacityRps;
  const record = new DrillRecord(
    'slow dependency',
    `a TCP proxy holds every byte to ${context.slowShard} for ${delayMs} ms (the deadline); open loop at ${context.faultLoadShare}x capacity (${Math.round(rps)}/s), ${WINDOWS} windows of ${WINDOW_MS / 1000} s; then the delay is lifted for ${AFTER_MS / 1000} s`,
    `no call fails or runs into its deadline; >= ${MIN_CUT_SHARE * 100} % answers flagged SHARD_UNAVAILABLE; p99 <= deadline and not growing across windows; bytes held at the proxy (in flight to the shard) not growing; whole answers within ${RECOVERY_ALLOWANCE_MS} ms of the proxy passing on what it held`,
  );
  await proxy.setDelayMs(delayMs);
  await proxy.takeMaxPendingChunks();
  const sampler = sampleRss(() => new Map([['gateway', servicePids(context).get('gateway')]]), 250);
  const windows = [];
  let liftedMs: number;
  try {
    for (let i = 0; i < WINDOWS; i++) {
      const window = await runObservedPhase(context, rps, WINDOW_MS);
      const pending = await proxy.takeMaxPendingChunks();
      windows.push({ ...window, pending });
      record.note(`window ${i + 1}: ${window.summary}; at most ${pending} chunks held at the proxy`);
    }
  } finally {
    await proxy.setDelayMs(0);
    liftedMs = performance.now();
  }
  const gatewayPeak = (await sampler.stop()).get('gateway');
  record.note(`gateway RSS peak ${mib(gatewayPeak)}`);
  const after = await runObservedPhase(context, rps, AFTER_MS);
  // Recovered from the first probe call after which every answer kept both shards.
  const lastCut = after.probed.findLast((a) => a.status !== 'OK' || a.response?.degradedReasons.includes('SHARD_UNAVAILABLE') === true);
  const recoveredAfterMs = lastCut === undefined ? 0 : lastCut.sentMs + lastCut.latencyMs - liftedMs;
  const recovered = lastCut === undefined || after.probed.some((a) => a.sentMs > lastCut.sentMs);
  record.note(`delay lifted: ${after.summary}; ${recovered ? `whole answers from ${(recoveredAfterMs / 1000).toFixed(1)} s after the lift` : 'not recovered'}`);

  const first = windows[0];
  for (const [i, { result, pending }] of windows.entries()) {
    const cut = Object.entries(result.degradedAnswers).reduce((sum, [reasons, n]) => sum + (reasons.split('+').includes('SHARD_UNAVAILABLE') ? n : 0), 0);
    record.check(failedCalls(result) === 0, `window ${i + 1}: ${failedCalls(result)} of ${result.calls} calls failed`);
    record.check(cut >= MIN_CUT_SHARE * result.calls, `window ${i + 1}: only ${cut} of ${result.calls} answers flagged SHARD_UNAVAILABLE`);
    record.check(result.latency.p99Ms <= deadlineMs, `window ${i + 1}: p99 ${result.latency.p99Ms.toFixed(1)} ms > deadline`);
    if (i === 0) continue;
    const bound = GROWTH_FACTOR * first.result.latency.p99Ms + GROWTH_SLACK_MS;
    record.check(result.latency.p99Ms <= bound, `window ${i + 1}: p99 ${result.latency.p99Ms.toFixed(1)} ms grew past ${bound.toFixed(1)} ms`);
    record.check(pending <= GROWTH_FACTOR * first.pending + PENDING_SLACK_CHUNKS, `window ${i + 1}: ${pending} chunks held at the proxy, ${first.pending} in window 1`);
  }
  record.check(failedCalls(after.result) === 0, `after the delay: ${failedCalls(after.result)} of ${after.result.calls} calls failed`);
  record.check(
    recovered && recoveredAfterMs <= delayMs + RECOVERY_ALLOWANCE_MS,
    `the slow shard's answers were back ${recovered ? `${(recoveredAfterMs / 1000).toFixed(1)} s` : `not within ${AFTER_MS / 1000} s`} after the lift (allowed: ${((delayMs + RECOVERY_ALLOWANCE_MS) / 1000).toFixed(1)} s)`,
  );
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
