import { join } from 'node:path';
import { DlrsError } from '../../../shared/errors/index.js';
import { nodeDurableFs, syncDirectory, writeAll } from '../../../shared/durable-io/index.js';
import type { DurableFile, DurableFs } from '../../../shared/durable-io/index.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { LogRecord } from './log-record.js';
import { encodeRecord, listSegments, SEGMENT_MAGIC, segmentName } from './wal-segment.js';

/** An appended record: its sequence number, and a promise that settles once it is on disk. */
export interface Appended {
  seq: number;
  durable: Promise<void>;
}

/** Where the log lives and what it writes through. */
export interface WriteAheadLogOptions {
  dir: string;
  /** The seq of the first record appended (one past the last record replayed, or past the snapshot's seq). */
  nextSeq: number;
  fs?: DurableFs;
  /** Write failures are logged here with their cause (the callers see a plain UNAVAILABLE). */
  logger: Logger;
}

/** What a caller whose record did not reach the disk is told; the cause (paths, errno) is logged, not sent. */
export const LOG_WRITE_FAILED_MESSAGE = 'the shard could not write to its log (disk full or failing); nothing was stored, retry later';

/**
 * An append-only log of shard mutations in segment files `wal-<first seq>.log`
 * (see wal-segment.ts for the format). Appends made while a write is in flight
 * are written and fsynced together (group commit): one fsync acknowledges many
 * concurrent requests. A failed write or fsync rejects the records it carried
 * (and those queued behind it) with UNAVAILABLE; their seqs are given out
 * again, and the next write first cuts the file back to the last durable
 * record, so the log stays a gapless sequence of acknowledged records and
 * recovers by itself once the disk takes writes again.
 */
export class WriteAheadLog {
  readonly dir: string;
  private readonly fs: DurableFs;
  private readonly logger: Logger;
  private file: DurableFile;
  /** Where the last durable record of the current segment ends. */
  private endBytes: number;
  /** The last seq on disk. */
  private durableSeq: number;
  private nextSeq: number;
  /** A failed write may have left bytes past endBytes: cut them before writing again. */
  private tailUnknown = false;
  /** A rotation failed: the next record must start a new segment. */
  private segmentPending: { coveredSeq: number } | undefined;
  private pending: PendingWork[] = [];
  private working: Promise<void> | undefined;
  private closed = false;

  private constructor(options: WriteAheadLogOptions, fs: DurableFs, file: DurableFile) {
    this.dir = options.dir;
    this.fs = fs;
    this.logger = options.logger;
    this.file = file;
    this.endBytes = SEGMENT_MAGIC.length;
    this.durableSeq = options.nextSeq - 1;
    this.nextSeq = options.nextSeq;
  }

  /** Opens the log for appending in a fresh segment named after `nextSeq`. */
  static async open(options: WriteAheadLogOptions): Promise<WriteAheadLog> {
    const fs = options.fs ?? nodeDurableFs;
    return new WriteAheadLog(options, fs, await createSegment(fs, options.dir, options.nextSeq));
  }

  /** The sequence number the next append gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Appends a record; it is durable once `durable` resolves (it rejects with UNAVAILABLE when it did not reach the disk). Records keep the order of the calls. */
  append(record: LogRecord): Appended {
    const seq = this.nextSeq++;
    if (this.closed) return { seq, durable: Promise.reject(closedError()) };
    const buffer = encodeRecord({ ...record, seq });
    const durable = new Promise<void>((resolve, reject) => this.pending.push({ kind: 'write', seq, buffer, resolve, reject }));
    this.working ??= this.work();
    return { seq, durable };
  }

  /**
   * Starts a new segment with the next append; then deletes the segments that
   * hold only records up to `coveredSeq` (those the oldest snapshot kept already contains).
   */
  rotate(coveredSeq: number): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    const done = new Promise<void>((resolve, reject) => this.pending.push({ kind: 'rotate', coveredSeq, resolve, reject }));
    this.working ??= this.work();
    return done;
  }

  /** Waits for pending appends and closes the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.working;
    // Bytes of a failed write would be read back as records nobody was told about.
    if (this.tailUnknown) await this.restoreTail().catch((error: unknown) => this.logger.warn({ err: error }, 'could not cut the failed write off the log at close'));
    await this.file.close();
  }

  /** Runs queued writes and rotations one after another, so a rotation splits the records exactly at its seq. */
  private async work(): Promise<void> {
    // Let the appends of the current turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const rotateAt = this.pending.findIndex((p) => p.kind === 'rotate');
      const batch = this.pending.splice(0, rotateAt < 0 ? this.pending.length : Math.max(rotateAt, 1));
      const first = batch[0];
      try {
        if (this.tailUnknown) await this.restoreTail();
        if (first.kind === 'rotate') {
          await this.startSegment(first.coveredSeq);
        } else {
          if (this.segmentPending !== undefined) await this.startSegment(this.segmentPending.coveredSeq);
          await this.writeBatch(batch);
        }
        for (const p of batch) p.resolve();
      } catch (error) {
        this.fail(first.kind === 'rotate' ? 'rotate' : 'write', error, batch);
      }
    }
    this.working = undefined;
  }

  private async writeBatch(batch: readonly PendingWork[]): Promise<void> {
    const buffer = Buffer.concat(batch.map((p) => (p.kind === 'write' ? p.buffer : Buffer.alloc(0))));
    this.tailUnknown = true;
    await writeAll(this.file, buffer, this.endBytes);
    await this.file.datasync();
    this.tailUnknown = false;
    this.endBytes += buffer.length;
    const last = batch.at(-1);
    if (last?.kind === 'write') this.durableSeq = last.seq;
  }

  /** Rejects the batch and everything queued behind it; their seqs are given out again. */
  private fail(what: 'write' | 'rotate', error: unknown, batch: readonly PendingWork[]): void {
    const rejected = [...batch, ...this.pending];
    this.pending = [];
    this.nextSeq = this.durableSeq + 1;
    this.logger.error({ err: error, segment: this.file.path, records: rejected.filter((p) => p.kind === 'write').length, lastDurableSeq: this.durableSeq }, `write-ahead log ${what} failed; the records were refused`);
    const refusal = new DlrsError('UNAVAILABLE', LOG_WRITE_FAILED_MESSAGE, { cause: error });
    for (const p of rejected) p.reject(refusal);
  }

  /** Cuts what a failed write may have left after the last durable record. */
  private async restoreTail(): Promise<void> {
    await this.file.truncate(this.endBytes);
    await this.file.datasync();
    this.tailUnknown = false;
  }

  /** Opens a new segment for seq durableSeq + 1, then deletes the segments `coveredSeq` makes unnecessary. */
  private async startSegment(coveredSeq: number): Promise<void> {
    // Until this succeeds no record may go to the old segment: a new one named after a seq it holds would confuse pruning.
    this.segmentPending = { coveredSeq };
    const next = await createSegment(this.fs, this.dir, this.durableSeq + 1);
    const previous = this.file;
    this.file = next;
    this.endBytes = SEGMENT_MAGIC.length;
    this.segmentPending = undefined;
    await previous.close().catch((error: unknown) => this.logger.warn({ err: error, segment: previous.path }, 'closing a finished log segment failed'));
    try {
      const segments = await listSegments(this.fs, this.dir);
      for (let i = 0; i + 1 < segments.length; i++) {
        // Segment i holds the records below the first seq of segment i + 1.
        if (segments[i + 1].firstSeq <= coveredSeq + 1) await this.fs.rm(segments[i].path, { force: true });
      }
    } catch (error) {
      // Left-over segments cost only space; the next rotation deletes them.
      this.logger.warn({ err: error }, 'deleting covered log segments failed');
    }
  }
}

type PendingWork =
  | { kind: 'write'; seq: number; buffer: Buffer; resolve: () => void; reject: (error: unknown) => void }
  | { kind: 'rotate'; coveredSeq: number; resolve: () => void; reject: (error: unknown) => void };

function closedError(): DlrsError {
  return new DlrsError('UNAVAILABLE', 'the shard is shutting down');
}

/** Creates `wal-<firstSeq>.log` holding just the segment header, durably. */
async function createSegment(fs: DurableFs, dir: string, firstSeq: number): Promise<DurableFile> {
  // A segment named after the next seq can only hold a torn, unacknowledged tail: start it empty.
  const file = await fs.open(join(dir, segmentName(firstSeq)), 'w');
  try {
    await writeAll(file, SEGMENT_MAGIC, 0);
    await file.datasync();
    await syncDirectory(fs, dir);
  } catch (error) {
    await file.close().catch(() => undefined);
    // An empty or partial header reads back as an empty segment; removing it keeps the directory tidy.
    await fs.rm(file.path, { force: true }).catch(() => undefined);
    throw error;
  }
  return file;
}
