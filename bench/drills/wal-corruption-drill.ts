import { cp, open, readdir, rename, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { nodeDurableFs } from '../../shared/durable-io/index.js';
import { listSegments, scanSegment } from '../../services/retrieval/durability/wal-segment.js';
import { missingOnShard } from './acknowledged-upserts.js';
import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';
import { untilEveryShardAnswers } from './shard-answers.js';
import { shardUpserts } from './shard-upserts.js';
import { logEntry, logText } from './service-output.js';

const SHARD = 0;
/** Upserts acknowledged before the stop: the log tail holds at least this many records of the drill. */
const UPSERT_CALLS = 12;
const ITEMS_PER_UPSERT = 4;
/** The shard's refusal names the segment and offset like this (services/retrieval/durability/read-log.ts). */
const REFUSAL = /segment (\S+), byte offset (\d+)/;
const SNAPSHOT_DIR = /^snapshot-(\d+)$/;
/** After the shard was down for a while, the gateway's reconnection backoff may take this long to reach it again. */
const RECONNECT_MAX_MS = 30_000;

/** A record of the log, where it is and the ids it carries. */
interface LoggedRecord {
  segment: string;
  offset: number;
  /** Where the next frame starts (the file's end for the last). */
  end: number;
  seq: number;
  ids: string[];
}

/** Every intact record of the shard's log, oldest first. */
async function loggedRecords(dir: string): Promise<LoggedRecord[]> {
  const records: LoggedRecord[] = [];
  for (const segment of await listSegments(nodeDurableFs, dir)) {
    const scanned = scanSegment(await nodeDurableFs.readFile(segment.path));
    scanned.records.forEach(({ entry, offset }, i) => {
      const end = scanned.records[i + 1]?.offset ?? scanned.sizeBytes;
      records.push({ segment: segment.path, offset, end, seq: entry.seq, ids: entry.kind === 'upsert' ? entry.items.map((item) => item.id) : entry.ids });
    });
  }
  return records;
}

/** The seq of the newest snapshot in `dir` (0 when none). */
async function newestSnapshotSeq(dir: string): Promise<number> {
  const seqs = (await readdir(dir)).flatMap((name) => {
    const match = SNAPSHOT_DIR.exec(name);
    return match === null ? [] : [Number(match[1])];
  });
  return Math.max(0, ...seqs);
}

/** Inverts the bits of the byte at `offset` of `path`. */
async function flipByte(path: string, offset: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, offset);
    byte[0] ^= 0xff;
    await file.write(byte, 0, 1, offset);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * A retrieval shard stopped after acknowledged upserts; one byte flipped in a record in the
 * middle of its write-ahead log; restarted: it must refuse to open, naming the segment and the
 * offset. Restarted once with DLRS_WAL_REPAIR=drop-damaged: it opens, logs what it dropped, and
 * every acknowledged write it lacks is among the dropped. The data directory is then restored
 * from the copy taken before the damage and the shard serves every acknowledged write again.
 */
export async function walCorruptionDrill(context: DrillContext): Promise<DrillResult> {
  const { topology } = context;
  const name = `retrieval ${SHARD}`;
  const dir = topology.dataDirOf(name);
  const backup = `${dir}.before-damage`;
  const record = new DrillRecord(
    'WAL corruption',
    `${UPSERT_CALLS} UpsertItems of ${ITEMS_PER_UPSERT} new ${name} items through the gateway; ${name} stopped, its data directory copied, one byte of the middle drill record of its write-ahead log flipped; restarted; restarted with DLRS_WAL_REPAIR=drop-damaged; then stopped, the copy put back, restarted`,
    'every upsert acknowledged; the restart refuses to open, its log naming the segment and the offset of the damaged record; the repair start serves, logs what it dropped, and lacks only acknowledged items of the dropped records; after the restore every acknowledged item is there; no other process ends',
  );
  const upserts = await shardUpserts(context, SHARD, `drill-wal-${Date.now()}`, UPSERT_CALLS, ITEMS_PER_UPSERT);
  const acknowledged = upserts.acknowledged.flat();
  record.note(`upserts: ${upserts.acknowledged.length} of ${UPSERT_CALLS} acknowledged${upserts.failures.length > 0 ? `, failed: ${upserts.failures.join(', ')}` : ''}`);
  record.check(upserts.acknowledged.length === UPSERT_CALLS, `${UPSERT_CALLS - upserts.acknowledged.length} upserts were not acknowledged`);

  await topology.service(name).process.stop();
  await rm(backup, { recursive: true, force: true });
  await cp(dir, backup, { recursive: true });
  try {
    const acknowledgedSet = new Set(acknowledged);
    const snapshotSeq = await newestSnapshotSeq(dir);
    const drillRecords = (await loggedRecords(dir)).filter((r) => r.seq > snapshotSeq && r.ids.some((id) => acknowledgedSet.has(id)));
    if (drillRecords.length < 3) throw new Error(`only ${drillRecords.length} drill records after the snapshot at seq ${snapshotSeq}: no middle record to damage`);
    const damaged = drillRecords[Math.floor(drillRecords.length / 2)];
    // The middle of the frame: inside the payload, past the length and checksums.
    await flipByte(damaged.segment, damaged.offset + Math.floor((damaged.end - damaged.offset) / 2));
    record.note(`damaged record seq ${damaged.seq} (${damaged.ids.length} items) at byte ${damaged.offset} of ${basename(damaged.segment)}, ${drillRecords.length - 1 - drillRecords.indexOf(damaged)} drill records after it`);

    // The plain restart must refuse.
    const refusalMark = context.output.mark(name);
    const refused = await topology.restart(name).then(
      () => undefined,
      (error: unknown) => error,
    );
    const refusalLines = context.output.since(name, refusalMark).map(logText);
    const named = refusalLines.map((line) => REFUSAL.exec(line)).find((match) => match !== null);
    record.note(`plain restart: ${refused === undefined ? 'SERVING' : 'refused to start'}${named === undefined ? '' : `: "${refusalLines.find((line) => REFUSAL.test(line))?.slice(0, 300)}"`}`);
    record.check(refused !== undefined, 'the shard opened a log with a damaged record in its middle without the repair option');
    record.check(
      named !== undefined && basename(named[1]) === basename(damaged.segment) && Number(named[2]) === damaged.offset,
      `the refusal did not name segment ${basename(damaged.segment)} and offset ${damaged.offset}${named === undefined ? '' : ` (it named ${basename(named[1])} at ${named[2]})`}`,
    );

    if (refused !== undefined) {
      // The explicit repair: opens, logs what it dropped; whatever it lacks must be among what it says it dropped.
      const repairMark = context.output.mark(name);
      await topology.restart(name, { env: { DLRS_WAL_REPAIR: 'drop-damaged' } });
      const repairEntries = context.output.since(name, repairMark).flatMap((line) => {
        const entry = logEntry(line);
        return entry === undefined || !line.includes(basename(damaged.segment)) || !/drop/i.test(line) ? [] : [entry];
      });
      const droppedIds = new Set(drillRecords.filter((r) => r.segment !== damaged.segment || r.offset >= damaged.offset).flatMap((r) => r.ids));
      const missing = await missingOnShard(topology.service(name).address, acknowledged);
      const silentlyMissing = missing.filter((id) => !droppedIds.has(id));
      record.note(
        `repair start: SERVING; logged: ${repairEntries.map((entry) => `"${String(entry.msg)}" (${['droppedRecords', 'droppedSeqs'].map((key) => `${key} ${JSON.stringify(entry[key])}`).join(', ')})`).join('; ') || 'nothing about the drop'}; ${missing.length} acknowledged items missing, ${silentlyMissing.length} of them outside the dropped records`,
      );
      record.check(repairEntries.length > 0, `the repair start logged nothing naming ${basename(damaged.segment)} and what it dropped`);
      record.check(silentlyMissing.length === 0, `${silentlyMissing.length} acknowledged items missing after the repair that were not in the dropped records, e.g. ${silentlyMissing.slice(0, 3).join(', ')}`);
    }
  } finally {
    // Restore: the copy from before the damage, so that the later drills find every acknowledged write.
    await topology.service(name).process.stop();
    await rm(dir, { recursive: true, force: true });
    await rename(backup, dir);
    await topology.restart(name);
  }
  const missingAfterRestore = await missingOnShard(topology.service(name).address, acknowledged);
  const reconnectMs = await untilEveryShardAnswers(context, RECONNECT_MAX_MS);
  record.note(`restored from the copy: SERVING, ${missingAfterRestore.length} acknowledged items missing; the gateway reaches it again ${reconnectMs === undefined ? `not within ${RECONNECT_MAX_MS / 1000} s` : `after ${(reconnectMs / 1000).toFixed(1)} s`}`);
  record.check(reconnectMs !== undefined, `answers still lack ${name} ${RECONNECT_MAX_MS / 1000} s after the restore`);
  record.check(missingAfterRestore.length === 0, `after the restore ${missingAfterRestore.length} acknowledged items are missing`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}

