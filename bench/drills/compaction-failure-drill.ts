import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { checkHealth, createHealthClient } from '../../bin/demo/wait-for-serving.js';
import { DlrsError } from '../../shared/errors/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { UserProfile__Output } from '../../shared/generated/dlrs/v1/UserProfile.js';
import { countsOf } from './answer-probe.js';
import { deadServices, pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { mib } from './process-memory.js';

/** The embedded profile store's file in the gateway's data directory, and where its compaction writes the rewrite. */
const PROFILE_STORE_FILE = 'profiles.aof';
const COMPACTION_TARGET_SUFFIX = '.compact';
/** What the gateway logs when a compaction is abandoned, and when one succeeds (services/gateway/profile-store). */
const COMPACTION_ABANDONED = /compaction abandoned/;
const COMPACTED = /file compacted/;
/** Users the drill writes to (fresh ones), in turn. */
const USERS = 4;
/** Events per RecordInteractions: the gateway's default maximum. */
const EVENTS_PER_CALL = 1000;
/** Long event ids (the cap is 256 bytes) make each call add a few hundred KiB to the file: compaction starts past 64 MiB. */
const EVENT_ID_CHARS = 200;
/** Bounds of each writing phase. */
const MAX_PHASE_CALLS = 1500;
const MAX_PHASE_MS = 180_000;
/** Reads and readiness are sampled this often while the writes go on. */
const SAMPLE_INTERVAL_MS = 100;
const CALL_DEADLINE_MS = 10_000;

/** Reads profiles and readiness in the background, counting what comes back. */
function startSampler(context: DrillContext, client: RecommenderClient, userIds: readonly string[]): { stop(): Promise<{ reads: string[]; health: string[] }> } {
  const health = createHealthClient(context.topology.gatewayAddress);
  const reads: string[] = [];
  const states: string[] = [];
  let stopped = false;
  const loop = async (): Promise<void> => {
    for (let i = 0; !stopped; i++) {
      const userId = userIds[i % userIds.length];
      const read = callUnary<UserProfile__Output>((md, o, cb) => client.GetProfile({ userId }, md, o, cb), { deadline: Date.now() + CALL_DEADLINE_MS }).then(
        () => 'OK',
        (error: unknown) => DlrsError.from(error).code,
      );
      const [readStatus, state] = await Promise.all([read, checkHealth(health), pause(SAMPLE_INTERVAL_MS)]);
      // A user's first write may come after the first read.
      if (readStatus !== 'NOT_FOUND') reads.push(readStatus);
      states.push(state);
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
      health.close();
      return { reads, health: states };
    },
  };
}

/**
 * The gateway's embedded profile store with an unwritable compaction target (a directory where
 * the rewrite goes) while profile writes and reads go on: writes and reads keep working, the
 * abandoned compaction is logged, readiness stays (or comes back to) SERVING, compaction
 * succeeds once the target is writable again, and after a crash every acknowledged event is
 * in the profiles.
 */
export async function compactionFailureDrill(context: DrillContext): Promise<DrillResult> {
  const { topology } = context;
  const storeFile = join(topology.dataDirOf('gateway'), PROFILE_STORE_FILE);
  const target = storeFile + COMPACTION_TARGET_SUFFIX;
  const record = new DrillRecord(
    'compaction failure',
    `a directory put at the embedded profile store's compaction target (${PROFILE_STORE_FILE}${COMPACTION_TARGET_SUFFIX}); RecordInteractions of ${EVENTS_PER_CALL} events with ${EVENT_ID_CHARS}-byte event ids for ${USERS} new users in turn until the store's file is past its compaction size and a compaction was abandoned, GetProfile and health checks every ${SAMPLE_INTERVAL_MS} ms beside; the directory removed, writes until a compaction succeeds; the gateway restarted (SIGKILL)`,
    'every write and read OK; compaction abandoned while the target is unwritable, then done once it is writable; health SERVING at the end; each profile counts every acknowledged event, before and after the restart; no other process ends',
  );
  const client: RecommenderClient = new (loadProtos().grpcObject.dlrs.v1.Recommender)(topology.gatewayAddress, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    interceptors: [bearerTokenInterceptor(topology.apiToken)],
  });
  const userIds = Array.from({ length: USERS }, (_, i) => `drill-compaction-${Date.now()}-${i}`);
  const acceptedOf = new Map(userIds.map((id) => [id, 0]));
  const items = context.bundles.current.items;
  let calls = 0;
  const writeFailures: string[] = [];
  const writeOnce = async (): Promise<void> => {
    const userId = userIds[calls % USERS];
    const call = calls++;
    const events = Array.from({ length: EVENTS_PER_CALL }, (_, i) => ({
      userId,
      interaction: { itemId: items[(call * EVENTS_PER_CALL + i) % items.length].id, eventType: 'view', eventId: `${call}-${i}-`.padEnd(EVENT_ID_CHARS, 'x') },
    }));
    try {
      const answer = await callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events }, md, o, cb), { deadline: Date.now() + CALL_DEADLINE_MS });
      acceptedOf.set(userId, (acceptedOf.get(userId) ?? 0) + answer.accepted);
    } catch (error) {
      writeFailures.push(DlrsError.from(error).code);
    }
  };
  /** Writes until `done` says so (checked after each call) or the phase's bounds; resolves with whether `done` was reached. */
  const writeUntil = async (done: () => Promise<boolean>): Promise<boolean> => {
    const startMs = Date.now();
    for (let n = 0; n < MAX_PHASE_CALLS && Date.now() - startMs < MAX_PHASE_MS; n++) {
      await writeOnce();
      if (await done()) return true;
    }
    return false;
  };
  const logged = (pattern: RegExp, mark: number): boolean => context.output.since('gateway', mark).some((line) => pattern.test(line));
  const fileBytes = async (): Promise<number> => (await stat(storeFile)).size;
  const profileCounts = async (): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const userId of userIds) {
      const profile = await callUnary<UserProfile__Output>((md, o, cb) => client.GetProfile({ userId }, md, o, cb), { deadline: Date.now() + CALL_DEADLINE_MS });
      counts.set(userId, Number(profile.eventCount));
    }
    return counts;
  };
  const mismatches = (counts: Map<string, number>): string[] =>
    userIds.filter((id) => counts.get(id) !== acceptedOf.get(id)).map((id) => `${id}: ${counts.get(id)} events in the profile, ${acceptedOf.get(id)} acknowledged`);

  try {
    await mkdir(target, { recursive: true });
    const startBytes = await fileBytes();
    const sampler = startSampler(context, client, userIds);
    const faultMark = context.output.mark('gateway');
    const abandoned = await writeUntil(async () => logged(COMPACTION_ABANDONED, faultMark));
    const faultCalls = calls;
    const faultBytes = await fileBytes();
    await rm(target, { recursive: true, force: true });
    const clearedMark = context.output.mark('gateway');
    const compacted = abandoned && (await writeUntil(async () => logged(COMPACTED, clearedMark)));
    const compactedBytes = await fileBytes();
    const samples = await sampler.stop();
    const abandonedCount = context.output.since('gateway', faultMark).filter((line) => COMPACTION_ABANDONED.test(line)).length;
    record.note(
      `store file ${mib(startBytes)} → ${mib(faultBytes)} after ${faultCalls} calls with the target unwritable (${abandonedCount} compactions abandoned), ${mib(compactedBytes)} after ${calls - faultCalls} more calls once writable (${compacted ? 'compacted' : 'not compacted'})`,
    );
    record.note(`writes: ${calls} calls, failed: ${countsOf(writeFailures)}; reads: ${countsOf(samples.reads)}; health samples: ${countsOf(samples.health)}, the last ${samples.health.at(-1) ?? 'none'}`);
    record.check(abandoned, `no compaction was abandoned after ${faultCalls} calls (store file ${mib(faultBytes)}): the fault was not met`);
    record.check(!abandoned || compacted, `no compaction succeeded within ${calls - faultCalls} calls after the target became writable`);
    record.check(writeFailures.length === 0, `${writeFailures.length} writes failed: ${countsOf(writeFailures)}`);
    record.check(samples.reads.every((status) => status === 'OK'), `reads failed: ${countsOf(samples.reads.filter((status) => status !== 'OK'))}`);
    record.check(samples.health.at(-1) === 'SERVING', `health at the end: ${samples.health.at(-1) ?? 'never sampled'}`);
    const before = mismatches(await profileCounts());
    record.check(before.length === 0, `before the restart: ${before.join('; ')}`);

    await topology.restart('gateway');
    const after = mismatches(await profileCounts());
    record.note(`restarted (SIGKILL): ${USERS - after.length} of ${USERS} profiles count every acknowledged event (${[...acceptedOf.values()].reduce((a, b) => a + b, 0)} events)`);
    record.check(after.length === 0, `after the restart: ${after.join('; ')}`);
  } finally {
    client.close();
    await rm(target, { recursive: true, force: true });
  }
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
