import { answerKind, countsOf, quantile, startAnswerProbe } from './answer-probe.js';
import { deadServices, pause, servicePids } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { degradedCount, describeLoad, failedCalls, inFlightCapFor, runPhase } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { mib, rssNow, sampleRss } from './process-memory.js';

/** Long enough for queues to build up if they are going to. */
const OVERLOAD_MS = 8000;
/** The light load before and after: the baseline and the recovery. */
const LIGHT_MS = 4000;
/** The light load is half the capacity. */
const LIGHT_SHARE = 0.5;
/** At most this share of the calls may run into their deadline: the excess must be shed early or answered degraded. */
const MAX_TIMEOUT_SHARE = 0.05;
/** A process's RSS may grow this much under overload (bytes): queues are bounded, so memory is. */
const MAX_RSS_GROWTH_BYTES = 256 * 2 ** 20;
/** The probe samples the admitted calls' latency, beside the load. */
const PROBE_INTERVAL_MS = 50;
/** Recovered: the light load's p99 is at most this many times the baseline's, plus {@link RECOVERY_SLACK_MS}. */
const RECOVERY_P99_FACTOR = 2;
/** Scheduling noise of a shared 2-core machine. */
const RECOVERY_SLACK_MS = 25;
/** Recovered: failed and degraded shares at most this much above the baseline's (a busy shared machine degrades some answers at any load). */
const RECOVERY_SHARE_SLACK = 0.02;

/** Overload at twice the measured capacity, then back to half of it. */
export async function overloadDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps } = context;
  const address = context.topology.gatewayAddress;
  const record = new DrillRecord(
    'overload 2x',
    `capacity measured first (${Math.round(capacityRps)}/s); open loop at 2x for ${OVERLOAD_MS / 1000} s, then ${LIGHT_SHARE}x for ${LIGHT_MS / 1000} s; deadline ${deadlineMs} ms`,
    `excess shed early (RESOURCE_EXHAUSTED) or answered degraded: <= ${MAX_TIMEOUT_SHARE * 100} % DEADLINE_EXCEEDED, no other error; p99 of admitted <= deadline; RSS growth <= ${mib(MAX_RSS_GROWTH_BYTES)}; afterwards back to the baseline: failed and degraded shares within ${RECOVERY_SHARE_SLACK * 100} points of it, p99 <= ${RECOVERY_P99_FACTOR}x + ${RECOVERY_SLACK_MS} ms`,
  );
  const light = (): ReturnType<typeof runPhase> =>
    runPhase({ address, metadata: context.topology.gatewayMetadata, messages: context.requests, rps: capacityRps * LIGHT_SHARE, concurrency: inFlightCapFor(capacityRps, deadlineMs), durationMs: LIGHT_MS, timeoutMs: deadlineMs, warmupMs: 500 });
  const baseline = await light();
  record.note(`baseline ${LIGHT_SHARE}x: ${describeLoad(baseline)}`);
  const before = await rssNow(servicePids(context));

  const overloadRps = 2 * capacityRps;
  const sampler = sampleRss(() => servicePids(context), 250);
  const probe = startAnswerProbe(address, context.requests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: context.topology.apiToken });
  const overload = await runPhase({ address, metadata: context.topology.gatewayMetadata, messages: context.requests, rps: overloadRps, concurrency: inFlightCapFor(overloadRps, deadlineMs), durationMs: OVERLOAD_MS, timeoutMs: deadlineMs });
  const probed = await probe.stop();
  const peak = await sampler.stop();
  record.note(`2x (${Math.round(overloadRps)}/s): ${describeLoad(overload)}; generator send lag max ${overload.maxSendLagMs.toFixed(0)} ms`);
  const admitted = probed.filter((a) => a.status === 'OK');
  const admittedP99 = quantile(
    admitted.map((a) => a.latencyMs),
    0.99,
  );
  record.note(`probe: ${probed.length} calls (${countsOf(probed.map(answerKind))}); admitted p99 ${admittedP99.toFixed(1)} ms`);

  await pause(1000);
  const recovery = await light();
  record.note(`after ${LIGHT_SHARE}x: ${describeLoad(recovery)}`);
  const after = await rssNow(servicePids(context));
  record.note(`RSS before/peak/after: ${[...before.keys()].map((name) => `${name} ${mib(before.get(name))}/${mib(peak.get(name))}/${mib(after.get(name))}`).join('; ')}`);

  const timeouts = overload.statusCounts.DEADLINE_EXCEEDED ?? 0;
  const others = failedCalls(overload) - timeouts - (overload.statusCounts.RESOURCE_EXHAUSTED ?? 0);
  record.check(timeouts <= MAX_TIMEOUT_SHARE * overload.calls, `${timeouts} of ${overload.calls} calls (${((100 * timeouts) / Math.max(1, overload.calls)).toFixed(1)} %) ran into their deadline instead of being shed early`);
  record.check(others === 0, `${others} calls failed with another status than RESOURCE_EXHAUSTED / DEADLINE_EXCEEDED`);
  record.check(admitted.length > 0 && admittedP99 <= deadlineMs, `p99 of the admitted calls ${admittedP99.toFixed(1)} ms > deadline ${deadlineMs} ms (${admitted.length} admitted)`);
  for (const [name, bytes] of peak) {
    const growth = bytes - (before.get(name) ?? bytes);
    record.check(growth <= MAX_RSS_GROWTH_BYTES, `${name} RSS grew by ${mib(growth)} under overload`);
  }
  const share = (n: number, of: number): number => n / Math.max(1, of);
  record.check(
    share(failedCalls(recovery), recovery.calls) <= share(failedCalls(baseline), baseline.calls) + RECOVERY_SHARE_SLACK,
    `after the overload ${failedCalls(recovery)} of ${recovery.calls} calls failed (baseline ${failedCalls(baseline)} of ${baseline.calls})`,
  );
  record.check(
    share(degradedCount(recovery), recovery.calls) <= share(degradedCount(baseline), baseline.calls) + RECOVERY_SHARE_SLACK,
    `after the overload ${degradedCount(recovery)} of ${recovery.calls} answers were degraded (baseline ${degradedCount(baseline)} of ${baseline.calls})`,
  );
  const recoveredP99 = RECOVERY_P99_FACTOR * baseline.latency.p99Ms + RECOVERY_SLACK_MS;
  record.check(recovery.latency.p99Ms <= recoveredP99, `after the overload p99 ${recovery.latency.p99Ms.toFixed(1)} ms > ${recoveredP99.toFixed(1)} ms`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
