import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { SnapshotResponse__Output } from '../../shared/generated/dlrs/v1/SnapshotResponse.js';
import { idsOfShard, missingOnShard, startUpsertWriter } from './acknowledged-upserts.js';
import { answerKind, countsOf, fellBackBeforeSearch, startAnswerProbe } from './answer-probe.js';
import { deadServices, pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { degradedCount, describeLoad, failedCalls, inFlightCapFor, runPhase } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import { PROBE_INTERVAL_MS, runObservedPhase } from './observed-phase.js';
import type { DrillResult } from './drill-result.js';

const SHARD = 0;
/** The load runs this long; the shard is killed and restarted inside it. */
const LOAD_MS = 9000;
/** A snapshot is taken this far in, so that the restart replays snapshot + log tail. */
const SNAPSHOT_AT_MS = 1000;
const KILL_AT_MS = 3000;
/** The shard stays down this long before it is started again. */
const DOWN_MS = 2000;
/** Items per UpsertItems: both shards get some in most calls. */
const ITEMS_PER_UPSERT = 4;
/** After the restart, answers must be whole again; the gateway reopens its stream within this. */
const RECONNECT_GRACE_MS = 1500;
const AFTER_MS = 3000;

/**
 * kill -9 of one retrieval shard under Recommend load and upserts: the gateway answers from the
 * other shard, flagged, within the deadline; the shard restarts from its snapshot and log
 * with every acknowledged upsert.
 */
export async function shardKillDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, topology, shardCount } = context;
  const name = `retrieval ${SHARD}`;
  const rps = context.faultLoadShare * capacityRps;
  const record = new DrillRecord(
    'kill -9 shard',
    `open loop at ${context.faultLoadShare}x capacity (${Math.round(rps)}/s) and UpsertItems (${ITEMS_PER_UPSERT} new items per call) through the gateway; Snapshot of ${name} at ${SNAPSHOT_AT_MS / 1000} s; SIGKILL at ${KILL_AT_MS / 1000} s; restarted ${DOWN_MS / 1000} s later on the same data dir; GetItems of every acknowledged id`,
    'no call fails; while down (answers that fell back before the search aside), answers flagged SHARD_UNAVAILABLE within the deadline; the shard comes back from snapshot + log holding every acknowledged upsert; whole answers again',
  );
  const address = topology.gatewayAddress;
  const writer = startUpsertWriter(address, topology.apiToken, context.bundles.current.items, `drill-kill-${Date.now()}`, ITEMS_PER_UPSERT);
  const probe = startAnswerProbe(address, context.requests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: topology.apiToken });
  const load = runPhase({ address, metadata: topology.gatewayMetadata, messages: context.requests, rps, concurrency: inFlightCapFor(rps, deadlineMs), durationMs: LOAD_MS, timeoutMs: deadlineMs });
  const startMs = performance.now();
  await pause(SNAPSHOT_AT_MS);
  const shardClient = new (loadProtos().grpcObject.dlrs.v1.Retrieval)(topology.service(name).address, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(topology.internalToken)] });
  const snapshot = await callUnary<SnapshotResponse__Output>((md, o, cb) => shardClient.Snapshot({}, md, o, cb), { deadline: Date.now() + 10_000 });
  shardClient.close();
  record.note(`snapshot of ${snapshot.itemCount} items at ${((performance.now() - startMs) / 1000).toFixed(1)} s`);
  await pause(Math.max(0, startMs + KILL_AT_MS - performance.now()));
  const killedMs = performance.now();
  const exit = await topology.service(name).process.kill('SIGKILL');
  record.note(`killed (${exit.signal ?? exit.code}) at ${((killedMs - startMs) / 1000).toFixed(1)} s`);
  await pause(DOWN_MS);
  const restartMs = performance.now();
  await topology.restart(name);
  const servingMs = performance.now();
  record.note(`restarted: SERVING ${((servingMs - restartMs) / 1000).toFixed(1)} s after its start`);
  const during = await load;
  const writes = await writer.stop();
  const probed = await probe.stop();
  record.note(`load: ${describeLoad(during)}`);

  const down = probed.filter((a) => a.sentMs > killedMs + PROBE_INTERVAL_MS && a.sentMs + a.latencyMs < restartMs);
  const slowest = Math.max(0, ...down.map((a) => a.latencyMs));
  record.note(`probe while down: ${down.length} calls: ${countsOf(down.map(answerKind))}; slowest ${slowest.toFixed(1)} ms`);
  record.check(failedCalls(during) === 0, `${failedCalls(during)} of ${during.calls} calls failed`);
  record.check(during.latency.p99Ms <= deadlineMs, `p99 ${during.latency.p99Ms.toFixed(1)} ms > deadline`);
  record.check(
    down.length > 0 && down.every((a) => a.status === 'OK' && (fellBackBeforeSearch(a) || a.response?.degradedReasons.includes('SHARD_UNAVAILABLE') === true)),
    'while down, not every answer was OK and flagged SHARD_UNAVAILABLE (or fell back before the search)',
  );
  record.check(slowest <= deadlineMs, `while down, a call took ${slowest.toFixed(1)} ms`);

  const acked = writes.acknowledged.flatMap((w) => w.ids);
  const ackedBeforeKill = writes.acknowledged.filter((w) => w.ackedMs < killedMs).flatMap((w) => w.ids);
  const killedShardIds = idsOfShard(acked, SHARD, shardCount);
  const missing = await missingOnShard(topology.service(name).address, killedShardIds);
  record.note(
    `upserts: ${writes.acknowledged.length} acknowledged (${acked.length} ids, ${idsOfShard(ackedBeforeKill, SHARD, shardCount).length} of them on ${name} before the kill), failed ${countsOf([...writes.failed].flatMap(([code, n]) => Array<string>(n).fill(code)))}; missing after the restart: ${missing.length}`,
  );
  record.check(idsOfShard(ackedBeforeKill, SHARD, shardCount).length > 0, `no upsert to ${name} was acknowledged before the kill: nothing to check`);
  record.check(missing.length === 0, `${missing.length} acknowledged ids missing on ${name} after the restart, e.g. ${missing.slice(0, 3).join(', ')}`);

  await pause(RECONNECT_GRACE_MS);
  const after = await runObservedPhase(context, rps, AFTER_MS);
  record.note(`after the restart: ${after.summary}`);
  record.check(failedCalls(after.result) === 0 && degradedCount(after.result) === 0, `after the restart: ${failedCalls(after.result)} failed, ${degradedCount(after.result)} degraded of ${after.result.calls}`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
