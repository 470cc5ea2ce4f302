import { performance } from 'node:perf_hooks';
import { answerKind, countsOf, startAnswerProbe } from './answer-probe.js';
import { deadServices, pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { degradedCount, describeLoad, failedCalls, inFlightCapFor, runPhase } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import { PROBE_INTERVAL_MS, runObservedPhase } from './observed-phase.js';
import type { DrillResult } from './drill-result.js';

const LOAD_MS = 8000;
const KILL_AT_MS = 2000;
const DOWN_MS = 2000;
/** After the restart, answers must be whole again; the gateway reopens its stream within this. */
const RECONNECT_GRACE_MS = 1500;
const AFTER_MS = 3000;

/**
 * kill -9 of ranking under load: every answer still arrives within the deadline, flagged
 * RANKING_UNAVAILABLE; whole answers once ranking is back.
 */
export async function rankingKillDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, topology } = context;
  const rps = context.faultLoadShare * capacityRps;
  const record = new DrillRecord(
    'kill ranking',
    `open loop at ${context.faultLoadShare}x capacity (${Math.round(rps)}/s); SIGKILL of ranking at ${KILL_AT_MS / 1000} s, restarted ${DOWN_MS / 1000} s later`,
    'no call fails; while down, answers flagged RANKING_UNAVAILABLE within the deadline (UserNet runs in ranking too, so the gateway documents popular items, POPULAR_FALLBACK, rather than retrieval order); whole answers when ranking is back',
  );
  const address = topology.gatewayAddress;
  const probe = startAnswerProbe(address, context.requests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: topology.apiToken });
  const load = runPhase({ address, metadata: topology.gatewayMetadata, messages: context.requests, rps, concurrency: inFlightCapFor(rps, deadlineMs), durationMs: LOAD_MS, timeoutMs: deadlineMs });
  const startMs = performance.now();
  await pause(KILL_AT_MS);
  const killedMs = performance.now();
  await topology.service('ranking').process.kill('SIGKILL');
  await pause(DOWN_MS);
  const restartMs = performance.now();
  await topology.restart('ranking');
  record.note(`killed at ${((killedMs - startMs) / 1000).toFixed(1)} s; restarted, SERVING ${((performance.now() - restartMs) / 1000).toFixed(1)} s after its start`);
  const during = await load;
  const probed = await probe.stop();
  record.note(`load: ${describeLoad(during)}`);
  const down = probed.filter((a) => a.sentMs > killedMs + PROBE_INTERVAL_MS && a.sentMs + a.latencyMs < restartMs);
  const slowest = Math.max(0, ...down.map((a) => a.latencyMs));
  record.note(`probe while down: ${down.length} calls: ${countsOf(down.map(answerKind))}; slowest ${slowest.toFixed(1)} ms`);
  record.check(failedCalls(during) === 0, `${failedCalls(during)} of ${during.calls} calls failed`);
  record.check(during.latency.p99Ms <= deadlineMs, `p99 ${during.latency.p99Ms.toFixed(1)} ms > deadline`);
  record.check(down.length > 0 && down.every((a) => a.status === 'OK' && a.response?.degradedReasons.includes('RANKING_UNAVAILABLE') === true), 'while down, not every answer was OK and flagged RANKING_UNAVAILABLE');
  record.check(slowest <= deadlineMs, `while down, a call took ${slowest.toFixed(1)} ms`);

  await pause(RECONNECT_GRACE_MS);
  const after = await runObservedPhase(context, rps, AFTER_MS);
  record.note(`after the restart: ${after.summary}`);
  record.check(failedCalls(after.result) === 0 && degradedCount(after.result) === 0, `after the restart: ${failedCalls(after.result)} failed, ${degradedCount(after.result)} degraded of ${after.result.calls}`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
