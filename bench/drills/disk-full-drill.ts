import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DlrsError } from '../../shared/errors/index.js';
import { missingOnShard } from './acknowledged-upserts.js';
import { deadServices, pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { countsOf } from './answer-probe.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { mib } from './process-memory.js';
import { untilEveryShardAnswers } from './shard-answers.js';
import { shardWriter } from './shard-upserts.js';
import { logEntry, logText } from './service-output.js';

const run = promisify(execFile);

/** pino's level number of `warn`. */
const WARN_LEVEL = 40;

const SHARD = 0;
/** The tmpfs holds the shard's data and this much more: room for the log to grow before the filler takes most of it. */
const TMPFS_HEADROOM_BYTES = 16 * 2 ** 20;
/** The filler leaves this much free: some upserts are acknowledged, then a few more fill it. */
const FREE_AFTER_FILLER_BYTES = 1024 * 1024;
/** Items per UpsertItems: a log record of tens of KiB. */
const ITEMS_PER_UPSERT = 50;
/** The disk counts as full after this many refusals in a row. */
const REFUSALS_IN_A_ROW = 3;
/** Bounds of the filling: calls and time. */
const MAX_FILL_CALLS = 400;
const MAX_FILL_MS = 60_000;
/** After space returns, writes must succeed again within this many tries, one every RETRY_INTERVAL_MS. */
const RECOVERY_TRIES = 20;
const RETRY_INTERVAL_MS = 250;
/** After the shard's restarts, the gateway's reconnection backoff may take this long to reach it again. */
const RECONNECT_MAX_MS = 30_000;
/** Upserts after the recovery, each of which must be acknowledged. */
const CALLS_AFTER_RECOVERY = 5;

/** Bytes of the files under `path`. */
async function treeBytes(path: string): Promise<number> {
  const info = await lstat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await treeBytes(join(path, name));
  return total;
}

async function freeBytes(path: string): Promise<number> {
  const info = await statfs(path);
  return info.bavail * info.bsize;
}

/** `umount`, lazily when the plain one fails (something still holds a file open). */
async function unmount(path: string): Promise<void> {
  try {
    await run('umount', [path]);
  } catch {
    await run('umount', ['-l', path]);
  }
}

/**
 * A retrieval shard's data directory on a small tmpfs, filled by upserts through the gateway
 * until writes are refused: refusals are UNAVAILABLE, and after a restart every acknowledged
 * item is there; once space returns, writes are acknowledged again. Needs root for the mount;
 * otherwise the drill is skipped (which is not a pass). The tmpfs is always unmounted and the
 * shard put back on its own directory with everything it acknowledged.
 */
export async function diskFullDrill(context: DrillContext): Promise<DrillResult> {
  const { topology } = context;
  const name = `retrieval ${SHARD}`;
  const dir = topology.dataDirOf(name);
  const onDisk = `${dir}.on-disk`;
  const fromTmpfs = `${dir}.from-tmpfs`;
  const record = new DrillRecord(
    'disk full',
    `${name} stopped, its data directory moved onto a tmpfs of its size + ${mib(TMPFS_HEADROOM_BYTES)}, restarted; a filler file leaves ${FREE_AFTER_FILLER_BYTES / 1024} KiB free; UpsertItems of ${ITEMS_PER_UPSERT} new ${name} items through the gateway until ${REFUSALS_IN_A_ROW} refusals in a row; the filler deleted; upserts again; restarted (SIGKILL); GetItems of every acknowledged id`,
    `writes refused with UNAVAILABLE once the disk is full; after space returns, writes acknowledged again within ${RECOVERY_TRIES} tries; after the restart every acknowledged item is there; the tmpfs unmounted at the end; no other process ends`,
  );
  if (process.getuid?.() !== 0) return record.skip('mounting a tmpfs needs root; this run is not root');
  await topology.service(name).process.stop();
  const usedBytes = await treeBytes(dir);
  await rename(dir, onDisk);
  await mkdir(dir);
  const sizeBytes = Math.ceil((usedBytes + TMPFS_HEADROOM_BYTES) / 2 ** 20) * 2 ** 20;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    await rename(onDisk, dir);
    await topology.restart(name);
    const why = error instanceof Error ? error.message.split('\n').filter((line) => line !== '').at(-1) : String(error);
    return record.skip(`mount -t tmpfs failed: ${why}`);
  }
  const writer = shardWriter(context, SHARD, `drill-disk-${Date.now()}`);
  const acknowledged: string[] = [];
  try {
    await cp(onDisk, dir, { recursive: true });
    await topology.restart(name);
    // The gateway must reach the shard again first: refusals while it reconnects are not a full disk.
    const reachedMs = await untilEveryShardAnswers(context, RECONNECT_MAX_MS);
    if (reachedMs === undefined) throw new Error(`the gateway did not reach ${name} on the tmpfs within ${RECONNECT_MAX_MS / 1000} s`);
    const fillMark = context.output.mark(name);
    const filler = join(dir, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, (await freeBytes(dir)) - FREE_AFTER_FILLER_BYTES)));
    record.note(`tmpfs of ${mib(sizeBytes)} (data ${mib(usedBytes)}), ${Math.round((await freeBytes(dir)) / 1024)} KiB free after the filler`);

    // Fill: until the shard refuses REFUSALS_IN_A_ROW times in a row (or the bounds).
    const refusals: string[] = [];
    let inARow = 0;
    let calls = 0;
    const fillStartMs = Date.now();
    while (inARow < REFUSALS_IN_A_ROW && calls < MAX_FILL_CALLS && Date.now() - fillStartMs < MAX_FILL_MS) {
      calls++;
      try {
        acknowledged.push(...(await writer.upsert(ITEMS_PER_UPSERT)));
        inARow = 0;
      } catch (error) {
        refusals.push(DlrsError.from(error).code);
        inARow++;
      }
    }
    const acknowledgedWhileFull = acknowledged.length;
    // Why the shard refused, in its own words (the first warning or error it logged while filling).
    const firstComplaint = context.output.since(name, fillMark).find((line) => Number(logEntry(line)?.level ?? 0) >= WARN_LEVEL);
    if (firstComplaint !== undefined) record.note(`${name} logged: ${logText(firstComplaint).slice(0, 300)}`);
    const freeWhenRefused = await freeBytes(dir);
    record.note(`filling: ${calls} calls, ${acknowledgedWhileFull / ITEMS_PER_UPSERT} acknowledged, refused: ${countsOf(refusals)}; ${Math.round(freeWhenRefused / 1024)} KiB free`);
    record.check(freeWhenRefused < FREE_AFTER_FILLER_BYTES / 2, `the refusals came with ${Math.round(freeWhenRefused / 1024)} KiB still free: not for a full disk`);
    record.check(inARow === REFUSALS_IN_A_ROW, `writes were not refused after ${calls} calls (${Math.round((Date.now() - fillStartMs) / 1000)} s): the disk never filled`);
    record.check(
      refusals.every((code) => code === 'UNAVAILABLE'),
      `refusals other than UNAVAILABLE: ${countsOf(refusals.filter((code) => code !== 'UNAVAILABLE'))}`,
    );

    // Space returns.
    await rm(filler);
    let tries = 0;
    let recovered = false;
    const refusedAfter: string[] = [];
    while (!recovered && tries < RECOVERY_TRIES) {
      tries++;
      try {
        acknowledged.push(...(await writer.upsert(ITEMS_PER_UPSERT)));
        recovered = true;
      } catch (error) {
        refusedAfter.push(DlrsError.from(error).code);
        await pause(RETRY_INTERVAL_MS);
      }
    }
    const failedAfterRecovery: string[] = [];
    for (let i = 0; recovered && i < CALLS_AFTER_RECOVERY; i++) {
      try {
        acknowledged.push(...(await writer.upsert(ITEMS_PER_UPSERT)));
      } catch (error) {
        failedAfterRecovery.push(DlrsError.from(error).code);
      }
    }
    record.note(`space returned: acknowledged again at try ${tries}${refusedAfter.length > 0 ? ` (refused before: ${countsOf(refusedAfter)})` : ''}; then ${CALLS_AFTER_RECOVERY - failedAfterRecovery.length} of ${CALLS_AFTER_RECOVERY} acknowledged`);
    record.check(recovered, `writes still refused ${RECOVERY_TRIES} tries after space returned: ${countsOf(refusedAfter)}`);
    record.check(failedAfterRecovery.length === 0, `after the recovery ${failedAfterRecovery.length} upserts failed: ${countsOf(failedAfterRecovery)}`);

    // Nothing acknowledged is lost: a crash and a start on the same tmpfs.
    await topology.restart(name);
    const missing = await missingOnShard(topology.service(name).address, acknowledged);
    record.note(`restarted: ${acknowledged.length} acknowledged items (${acknowledgedWhileFull} before space returned), ${missing.length} missing`);
    record.check(acknowledgedWhileFull > 0, 'no upsert was acknowledged before the disk filled: nothing to check');
    record.check(missing.length === 0, `${missing.length} acknowledged items missing after the restart, e.g. ${missing.slice(0, 3).join(', ')}`);
  } finally {
    writer.close();
    // Back to the shard's own directory with the tmpfs's contents (the acknowledged items with them).
    await topology.service(name).process.stop();
    let state = onDisk;
    try {
      await rm(join(dir, 'filler'), { force: true });
      await rm(fromTmpfs, { recursive: true, force: true });
      await cp(dir, fromTmpfs, { recursive: true });
      state = fromTmpfs;
    } catch (error) {
      context.log(`could not copy the shard's data off the tmpfs (${error instanceof Error ? error.message : String(error)}); restoring the copy from before`);
    }
    await unmount(dir);
    await rm(dir, { recursive: true, force: true });
    await rename(state, dir);
    await rm(onDisk, { recursive: true, force: true });
    await topology.restart(name);
  }
  const missingAtEnd = await missingOnShard(topology.service(name).address, acknowledged);
  const reconnectMs = await untilEveryShardAnswers(context, RECONNECT_MAX_MS);
  record.note(`tmpfs unmounted, ${name} back on its directory: ${missingAtEnd.length} acknowledged items missing; the gateway reaches it again ${reconnectMs === undefined ? `not within ${RECONNECT_MAX_MS / 1000} s` : `after ${(reconnectMs / 1000).toFixed(1)} s`}`);
  record.check(reconnectMs !== undefined, `answers still lack ${name} ${RECONNECT_MAX_MS / 1000} s after its last restart`);
  record.check(missingAtEnd.length === 0, `back on its directory ${missingAtEnd.length} acknowledged items are missing`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
