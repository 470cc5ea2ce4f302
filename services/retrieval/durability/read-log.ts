import { DlrsError } from '../../../shared/errors/index.js';
import { nodeDurableFs, syncDirectory, writeAll } from '../../../shared/durable-io/index.js';
import type { DurableFs } from '../../../shared/durable-io/index.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { LogEntry } from './log-record.js';
import { listSegments, scanSegment } from './wal-segment.js';
import type { ScannedRecord, SegmentFile, SegmentStop } from './wal-segment.js';

/** What replay may do with a log it cannot read through: refuse (the default) or drop it from the damaged record on. */
export const WAL_REPAIRS = ['off', 'drop-damaged'] as const;
/** One of {@link WAL_REPAIRS}. */
export type WalRepair = (typeof WAL_REPAIRS)[number];

/** How {@link readLog} reads. */
export interface ReadLogOptions {
  fs?: DurableFs;
  /** 'drop-damaged' drops the log from the first damaged record on (saved aside, logged) instead of refusing. */
  repair?: WalRepair;
  /** Hears of torn tails cut off, damage the snapshot covers, and repairs. */
  logger?: Logger;
}

type LogEvent = { segment: SegmentFile; offset: number } & ({ record: ScannedRecord } | { stop: SegmentStop });

/** Where replay cannot go on: the position and why. */
interface Cut {
  index: number;
  segment: SegmentFile;
  offset: number;
  reason: string;
}

/**
 * The records of the log in `dir` after `afterSeq` (the snapshot's), checked
 * to follow one another without a gap from `afterSeq + 1` on. A torn tail (a
 * write a crash interrupted: never acknowledged) is cut off the file. A
 * damaged record, or a gap, that loses records after `afterSeq` refuses the
 * open with a FAILED_PRECONDITION naming the segment and byte offset, unless
 * `repair` is 'drop-damaged': then the log from that point on is moved aside
 * and what was dropped is logged.
 */
export async function readLog(dir: string, afterSeq: number, options: ReadLogOptions = {}): Promise<LogEntry[]> {
  const fs = options.fs ?? nodeDurableFs;
  const events: LogEvent[] = [];
  const sizeOf = new Map<string, number>();
  for (const segment of await listSegments(fs, dir)) {
    const scanned = scanSegment(await fs.readFile(segment.path));
    sizeOf.set(segment.path, scanned.sizeBytes);
    const inSegment: LogEvent[] = [...scanned.records.map((record) => ({ segment, offset: record.offset, record })), ...scanned.stops.map((stop) => ({ segment, offset: stop.offset, stop }))];
    // A loop, not push(...): a segment may hold more records than a call takes arguments.
    for (const event of inSegment.sort((a, b) => a.offset - b.offset)) events.push(event);
  }
  const torn: LogEvent[] = [];
  let cut: Cut | undefined;
  let previousSeq: number | undefined;
  for (let i = 0; i < events.length && cut === undefined; i++) {
    const event = events[i];
    if ('stop' in event) {
      const nextSeq = nextRecordAfter(events, i)?.seq;
      // Nothing is missing around it when the next record continues the sequence (or the snapshot covers the gap).
      const nothingMissing = nextSeq !== undefined && nextSeq <= Math.max(previousSeq ?? afterSeq, afterSeq) + 1;
      if (event.stop.kind === 'torn' && (nextSeq === undefined || nothingMissing)) {
        torn.push(event);
      } else if (nothingMissing) {
        options.logger?.warn({ segment: event.segment.path, offset: event.offset, reason: event.stop.reason }, 'damaged bytes in the write-ahead log skipped: no record after the snapshot is missing around them');
      } else {
        const before = previousSeq === undefined ? 'no intact record before it' : `the last intact record before it is seq ${previousSeq}`;
        const after = nextSeq === undefined ? 'none after it' : `the next is seq ${nextSeq}`;
        cut = { index: i, segment: event.segment, offset: event.offset, reason: `${event.stop.reason} (${before}, ${after})` };
      }
      continue;
    }
    const { seq } = event.record.entry;
    if (seq <= afterSeq) {
      previousSeq = seq;
      continue;
    }
    // Records up to afterSeq are in the snapshot: only a gap after it loses anything.
    const expected = Math.max(previousSeq ?? afterSeq, afterSeq) + 1;
    if (seq > expected) {
      cut = { index: i, segment: event.segment, offset: event.offset, reason: `records ${expected}..${seq - 1} are missing before seq ${seq}` };
    } else if (seq < expected) {
      cut = { index: i, segment: event.segment, offset: event.offset, reason: `seq ${seq} comes after seq ${expected - 1}` };
    } else {
      previousSeq = seq;
    }
  }
  const dropped = cut === undefined ? [] : events.slice(cut.index).flatMap((event) => ('record' in event ? [event.record.entry.seq] : []));
  const where = cut === undefined ? '' : `write-ahead log segment ${cut.segment.path}, byte offset ${cut.offset}`;
  if (cut !== undefined && options.repair !== 'drop-damaged') {
    throw new DlrsError(
      'FAILED_PRECONDITION',
      `${where}: ${cut.reason}; replay cannot go on without losing acknowledged records (${dropped.length} intact records follow: ${seqRanges(dropped)}). ` +
        'Restore the data directory from a backup, or start once with DLRS_WAL_REPAIR=drop-damaged to drop the log from this point on.',
    );
  }
  // Torn tails (before the cut: the loop stopped there) hold nothing anybody was told is stored.
  for (const event of torn) {
    await truncateSegment(fs, event.segment, event.offset);
    options.logger?.info({ segment: event.segment.path, offset: event.offset, bytes: (sizeOf.get(event.segment.path) ?? 0) - event.offset, reason: 'stop' in event ? event.stop.reason : '' }, 'torn write-ahead log tail cut off (never acknowledged)');
  }
  const kept = cut === undefined ? events : events.slice(0, cut.index);
  if (cut !== undefined) {
    const savedTo = await dropFrom(fs, dir, cut);
    options.logger?.warn(
      { segment: cut.segment.path, offset: cut.offset, reason: cut.reason, droppedRecords: dropped.length, droppedSeqs: seqRanges(dropped), savedTo },
      `DLRS_WAL_REPAIR=drop-damaged: dropped the log from ${where} on`,
    );
  }
  return kept.flatMap((event) => ('record' in event && event.record.entry.seq > afterSeq ? [event.record.entry] : []));
}

function nextRecordAfter(events: readonly LogEvent[], index: number): LogEntry | undefined {
  for (let i = index + 1; i < events.length; i++) {
    const event = events[i];
    if ('record' in event) return event.record.entry;
  }
  return undefined;
}

/** Moves the log from the cut on aside: the rest of the cut segment into `<segment>.dropped-<offset>`, later segments renamed `<segment>.dropped`. */
async function dropFrom(fs: DurableFs, dir: string, cut: Cut): Promise<string[]> {
  const savedTo: string[] = [];
  const rest = (await fs.readFile(cut.segment.path)).subarray(cut.offset);
  const restPath = `${cut.segment.path}.dropped-${cut.offset}`;
  const file = await fs.open(restPath, 'w');
  try {
    await writeAll(file, rest, 0);
    await file.datasync();
  } finally {
    await file.close();
  }
  savedTo.push(restPath);
  await truncateSegment(fs, cut.segment, cut.offset);
  for (const segment of (await listSegments(fs, dir)).filter((later) => later.firstSeq > cut.segment.firstSeq)) {
    await fs.rename(segment.path, `${segment.path}.dropped`);
    savedTo.push(`${segment.path}.dropped`);
  }
  await syncDirectory(fs, dir);
  return savedTo;
}

async function truncateSegment(fs: DurableFs, segment: SegmentFile, lengthBytes: number): Promise<void> {
  const file = await fs.open(segment.path, 'r+');
  try {
    await file.truncate(lengthBytes);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** `[3, 4, 5, 9]` → `seqs 3..5, 9`. */
function seqRanges(seqs: readonly number[]): string {
  if (seqs.length === 0) return 'no seqs';
  const parts: string[] = [];
  let start = seqs[0];
  for (let i = 1; i <= seqs.length; i++) {
    if (i < seqs.length && seqs[i] === seqs[i - 1] + 1) continue;
    parts.push(start === seqs[i - 1] ? String(start) : `${start}..${seqs[i - 1]}`);
    start = seqs[i];
  }
  return `seqs ${parts.join(', ')}`;
}
