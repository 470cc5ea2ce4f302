import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { nodeDurableFs, syncDirectory, writeAll } from '../../../shared/durable-io/index.js';
import type { DurableFile, DurableFs } from '../../../shared/durable-io/index.js';
import { DlrsError } from '../../../shared/errors/index.js';

/** How the log is opened: where, how its records are replayed, and how it is compacted. */
export interface AppendOnlyLogOptions {
  path: string;
  /** Receives every intact record at open, in file order. Throwing aborts the open. */
  onRecord(payload: string): void;
  /** Asked after each group commit whether the file should be rewritten. */
  shouldCompact(fileBytes: number): boolean;
  /**
   * The records that reproduce the current state. Iterated while appends go on: a record
   * must hold a key's full state, so that one taken after a later change, or a change
   * replayed again after the record, still gives the latest state.
   */
  snapshot(): Iterable<string>;
  /** The file layer (a failing disk in tests); the real file system when absent. */
  fs?: DurableFs;
  /** Told when the log stops being writable (with the error) and when it is writable again (undefined). */
  onWritableChange?: (failure: Error | undefined) => void;
  /** Told when a compaction put its rewrite in place, with the sizes before and after. */
  onCompacted?: (fromBytes: number, toBytes: number) => void;
  /** Told about a compaction that was abandoned; the old file stays in use and the rewrite is retried later. */
  onCompactionFailed?: (error: Error, retryInMs: number) => void;
  /** The clock of the retry backoff. */
  now?: () => number;
}

/** Counters of an open log. */
export interface AppendOnlyLogStats {
  /** Bytes of the file that are durable (synced and acknowledged). */
  fileBytes: number;
  /** Records replayed at open. */
  replayedRecords: number;
  /** Bytes of a torn tail cut off at open (records that were never acknowledged). */
  truncatedBytes: number;
  /** Records appended since open. */
  appendedRecords: number;
  /** fdatasync calls since open; fewer than appended records when writers were grouped. */
  syncs: number;
  compactions: number;
  /** Compactions abandoned since open (the old file stayed in use). */
  compactionFailures: number;
  /** Appends refused or failed because the file could not be written. */
  writeFailures: number;
}

interface Pending {
  frame: string;
  /** Runs once the record is durable, before the append resolves and before any later record's. */
  onDurable: (() => void) | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Compaction writes its rewrite here and renames it over the log once it is durable. */
const COMPACTION_SUFFIX = '.compact';

/** Records are written in chunks of about this size when a compaction rewrites or copies the file. */
const REWRITE_CHUNK_BYTES = 1 << 20;

/** The first retry of a failed compaction or of an unwritable file comes after this long… */
const FIRST_RETRY_MS = 1000;
/** …doubling up to this: a full disk is retried twice a minute, a broken one tried rarely. */
const MAX_RETRY_MS = 30_000;

/**
 * A probe of this size (one page, no newline: a torn tail if it survives a crash) tells
 * whether the disk accepts writes again while no append arrives (the gateway is out of
 * rotation meanwhile).
 */
const PROBE_BYTES = 4096;

/**
 * An append-only file of text records, one per line as `<crc32 hex> <payload>\n`, written
 * through an injectable file layer.
 *
 * Appends made while a write is in flight are written and fdatasync'ed together (group
 * commit); a record's `onDurable` runs and its append resolves only once it is durable. At
 * open, records are replayed in order and a torn tail (records never acknowledged) is cut
 * off; a damaged record followed by intact ones is corruption and fails the open.
 *
 * A failed write or sync (ENOSPC, EIO) rejects the appends of that group with UNAVAILABLE,
 * marks the log unwritable and cuts the file back to its durable end before anything else
 * is written; a probe retries with backoff and the log is writable again after the first
 * write that succeeds.
 *
 * Compaction runs beside the appends: the snapshot is written to `<path>.compact`, then the
 * records appended to the log since the snapshot began are copied after it; only the copy
 * of the last few records, the sync and the rename hold appends back. A compaction that
 * fails is abandoned (the rewrite removed, the log kept) and retried with backoff.
 */
export class AppendOnlyLog {
  private queue: Pending[] = [];
  private flushScheduled = false;
  /** File mutations (group writes, probes, the switch to a rewrite) run one at a time in this chain. */
  private serialTail: Promise<void> = Promise.resolve();
  private durableBytes: number;
  private unwritable: Error | undefined;
  /** The file may hold bytes past `durableBytes` (a failed write) or a rename not yet durable. */
  private repair: { truncate: boolean; syncDirectory: boolean } = { truncate: false, syncDirectory: false };
  private probeTimer: NodeJS.Timeout | undefined;
  private probeDelayMs = FIRST_RETRY_MS;
  private compacting: Promise<void> | undefined;
  private nextCompactionAtMs = 0;
  private compactionDelayMs = FIRST_RETRY_MS;
  private closed = false;
  private readonly fs: DurableFs;
  private readonly now: () => number;
  private readonly counters: Omit<AppendOnlyLogStats, 'fileBytes'>;

  private constructor(
    private handle: DurableFile,
    private readonly options: AppendOnlyLogOptions,
    replay: { fileBytes: number; records: number; truncatedBytes: number },
  ) {
    this.fs = options.fs ?? nodeDurableFs;
    this.now = options.now ?? Date.now;
    this.durableBytes = replay.fileBytes;
    this.counters = { replayedRecords: replay.records, truncatedBytes: replay.truncatedBytes, appendedRecords: 0, syncs: 0, compactions: 0, compactionFailures: 0, writeFailures: 0 };
  }

  /** Replays the file at `options.path` (created when absent) and opens it for appending. */
  static async open(options: AppendOnlyLogOptions): Promise<AppendOnlyLog> {
    const fs = options.fs ?? nodeDurableFs;
    // A leftover rewrite never replaced the log: the log is still the truth. One that cannot be
    // removed only makes compactions fail (and be retried); the log still serves.
    await fs.rm(options.path + COMPACTION_SUFFIX, { force: true }).catch(() => undefined);
    // Opened for appending first, so that the file exists; read through a handle of its own.
    const handle = await fs.open(options.path, 'a');
    try {
      const reader = await fs.open(options.path, 'r');
      let replay: { fileBytes: number; records: number; truncatedBytes: number };
      try {
        replay = await replayFile(reader, options.path, options.onRecord);
      } finally {
        await reader.close();
      }
      if (replay.truncatedBytes > 0) {
        await handle.truncate(replay.fileBytes);
        await handle.datasync();
      }
      await syncDirectory(fs, dirname(options.path));
      return new AppendOnlyLog(handle, options, replay);
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Appends one record (no newline inside). `onDurable` runs once the record is on disk, in
   * record order, before the promise resolves (a compaction snapshot taken later sees its
   * effect). Throws at once when the log is closed or the record is bad; rejects with
   * UNAVAILABLE when the disk refuses it (the record is then not in the file).
   */
  append(payload: string, onDurable?: () => void): Promise<void> {
    if (this.closed) throw new Error(`append-only log ${this.options.path} is closed`);
    if (payload.includes('\n')) throw new Error('a log record must not contain a newline');
    const promise = new Promise<void>((resolve, reject) => {
      this.queue.push({ frame: frame(payload), onDurable, resolve, reject });
    });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      void this.serial(() => this.flushGroup());
    }
    return promise;
  }

  /** Why the log cannot write (its last write failed), or undefined when it can. */
  get failure(): Error | undefined {
    return this.unwritable;
  }

  stats(): AppendOnlyLogStats {
    return { fileBytes: this.durableBytes, ...this.counters };
  }

  /** Waits for pending records and for (or abandons) a running compaction, then closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.probeTimer);
    await this.compacting;
    await this.serial(async () => undefined);
    await this.handle.close();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.serialTail.then(task);
    this.serialTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async flushGroup(): Promise<void> {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const data = Buffer.from(group.map((pending) => pending.frame).join(''), 'utf8');
    try {
      await this.repairFile();
      await writeAll(this.handle, data);
      await this.handle.datasync();
    } catch (error) {
      this.counters.writeFailures += group.length;
      this.markUnwritable(error);
      const refusal = new DlrsError('UNAVAILABLE', `the profile store cannot write to its disk (${errorCode(error)}); nothing of this call was stored, retry later`, { cause: error });
      for (const pending of group) pending.reject(refusal);
      return;
    }
    this.durableBytes += data.length;
    this.counters.syncs++;
    this.counters.appendedRecords += group.length;
    for (const pending of group) pending.onDurable?.();
    for (const pending of group) pending.resolve();
    this.markWritable();
    this.maybeCompact();
  }

  /** Cuts off what a failed write left past the durable end, and syncs a rename whose sync failed. */
  private async repairFile(): Promise<void> {
    if (this.repair.truncate) {
      await this.handle.truncate(this.durableBytes);
      await this.handle.datasync();
      this.repair.truncate = false;
    }
    if (this.repair.syncDirectory) {
      await syncDirectory(this.fs, dirname(this.options.path));
      this.repair.syncDirectory = false;
    }
  }

  private markUnwritable(error: unknown): void {
    this.repair.truncate = true;
    const first = this.unwritable === undefined;
    this.unwritable = new Error(`append-only log ${this.options.path} cannot be written: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    if (first) {
      this.probeDelayMs = FIRST_RETRY_MS;
      this.options.onWritableChange?.(this.unwritable);
    }
    this.scheduleProbe();
  }

  private markWritable(): void {
    if (this.unwritable === undefined) return;
    this.unwritable = undefined;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.options.onWritableChange?.(undefined);
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer !== undefined) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      void this.serial(() => this.probe());
    }, this.probeDelayMs);
    this.probeTimer.unref();
    this.probeDelayMs = Math.min(MAX_RETRY_MS, this.probeDelayMs * 2);
  }

  // Writes a page past the durable end and cuts it off again: a disk that takes it takes records.
  private async probe(): Promise<void> {
    if (this.closed || this.unwritable === undefined) return;
    try {
      await this.repairFile();
      this.repair.truncate = true;
      await writeAll(this.handle, Buffer.alloc(PROBE_BYTES, 0x23));
      await this.handle.datasync();
      await this.repairFile();
    } catch (error) {
      this.markUnwritable(error);
      return;
    }
    this.markWritable();
  }

  private maybeCompact(): void {
    if (this.closed || this.compacting !== undefined || this.unwritable !== undefined || this.now() < this.nextCompactionAtMs) return;
    if (!this.options.shouldCompact(this.durableBytes)) return;
    this.compacting = this.compact().finally(() => {
      this.compacting = undefined;
    });
  }

  private async compact(): Promise<void> {
    const target = this.options.path + COMPACTION_SUFFIX;
    // Everything up to here is reflected in the state the snapshot starts from; every record
    // after it is copied behind the snapshot.
    let copiedTo = this.durableBytes;
    let rewrite: DurableFile | undefined;
    let reader: DurableFile | undefined;
    let switched = false;
    try {
      rewrite = await this.fs.open(target, 'w');
      let bytes = 0;
      let chunk = '';
      for (const payload of this.options.snapshot()) {
        chunk += frame(payload);
        if (chunk.length >= REWRITE_CHUNK_BYTES) {
          bytes += await this.writeChunk(rewrite, chunk);
          chunk = '';
        }
      }
      bytes += await this.writeChunk(rewrite, chunk);
      reader = await this.fs.open(this.options.path, 'r');
      // Catch up with the appends made meanwhile, without holding them back.
      while (this.durableBytes - copiedTo > REWRITE_CHUNK_BYTES) {
        const to = this.durableBytes;
        bytes += await this.copy(reader, rewrite, copiedTo, to);
        copiedTo = to;
      }
      await rewrite.datasync();
      const next = rewrite;
      const source = reader;
      await this.serial(async () => {
        // No group is being written now: copy the last records, then put the rewrite in place.
        if (this.closed) throw new Error('closed during compaction');
        bytes += await this.copy(source, next, copiedTo, this.durableBytes);
        await next.datasync();
        // O_APPEND from here on, like the log's own handle.
        const appender = await this.fs.open(target, 'a');
        try {
          await this.fs.rename(target, this.options.path);
        } catch (error) {
          await appender.close().catch(() => undefined);
          throw error;
        }
        switched = true;
        const previous = this.handle;
        const fromBytes = this.durableBytes;
        this.handle = appender;
        this.durableBytes = bytes;
        this.options.onCompacted?.(fromBytes, bytes);
        this.counters.compactions++;
        await previous.close().catch(() => undefined);
        try {
          await syncDirectory(this.fs, dirname(this.options.path));
        } catch (error) {
          // Until the rename is durable, a crash could bring back the old file: nothing may be
          // acknowledged from the new one before the directory sync succeeds.
          this.repair.syncDirectory = true;
          this.markUnwritable(error);
        }
      });
      this.compactionDelayMs = FIRST_RETRY_MS;
    } catch (error) {
      if (!switched) await this.abandonCompaction(target, error);
    } finally {
      await reader?.close().catch(() => undefined);
      await rewrite?.close().catch(() => undefined);
    }
  }

  private async writeChunk(file: DurableFile, text: string): Promise<number> {
    if (this.closed) throw new Error('closed during compaction');
    const data = Buffer.from(text, 'utf8');
    await writeAll(file, data);
    return data.length;
  }

  /** Copies bytes [from, to) of the log behind the rewrite; returns the bytes copied. */
  private async copy(source: DurableFile, target: DurableFile, from: number, to: number): Promise<number> {
    const buffer = Buffer.alloc(Math.min(REWRITE_CHUNK_BYTES, Math.max(0, to - from)));
    for (let position = from; position < to; ) {
      const read = await source.read(buffer.subarray(0, Math.min(buffer.length, to - position)), position);
      if (read <= 0) throw new Error(`${this.options.path} ended at byte ${position}, before its durable end ${to}`);
      await writeAll(target, buffer.subarray(0, read));
      position += read;
    }
    return to - from;
  }

  private async abandonCompaction(target: string, error: unknown): Promise<void> {
    // Whatever is left of the rewrite is removed now, or at the next open.
    await this.fs.rm(target, { force: true }).catch(() => undefined);
    if (this.closed) return;
    this.counters.compactionFailures++;
    const retryInMs = this.compactionDelayMs;
    this.nextCompactionAtMs = this.now() + retryInMs;
    this.compactionDelayMs = Math.min(MAX_RETRY_MS * 10, this.compactionDelayMs * 2);
    this.options.onCompactionFailed?.(error instanceof Error ? error : new Error(String(error)), retryInMs);
  }
}

function frame(payload: string): string {
  return `${crc32(payload).toString(16).padStart(8, '0')} ${payload}\n`;
}

function unframe(line: Buffer): string | undefined {
  if (line.length < 9 || line[8] !== 0x20) return undefined;
  const payload = line.subarray(9).toString('utf8');
  const expected = Number.parseInt(line.subarray(0, 8).toString('latin1'), 16);
  return crc32(payload) === expected ? payload : undefined;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'write error';
}

async function replayFile(handle: DurableFile, path: string, onRecord: (payload: string) => void): Promise<{ fileBytes: number; records: number; truncatedBytes: number }> {
  const size = (await handle.stat()).size;
  let offset = 0;
  let validEnd = 0;
  let records = 0;
  let damagedAt: number | undefined;
  let carry = Buffer.alloc(0);
  const chunk = Buffer.alloc(Math.min(REWRITE_CHUNK_BYTES, Math.max(1, size)));
  for (let position = 0; position < size; ) {
    const read = await handle.read(chunk.subarray(0, Math.min(chunk.length, size - position)), position);
    if (read <= 0) break;
    position += read;
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
    let start = 0;
    for (let newline = buffer.indexOf(0x0a, start); newline !== -1; newline = buffer.indexOf(0x0a, start)) {
      const lineStart = offset;
      const payload = unframe(buffer.subarray(start, newline));
      offset += newline - start + 1;
      start = newline + 1;
      if (payload === undefined) {
        damagedAt ??= lineStart;
        continue;
      }
      if (damagedAt !== undefined) throw new Error(`${path}: damaged record at byte ${damagedAt} followed by intact records; refusing to drop acknowledged data`);
      try {
        onRecord(payload);
      } catch (error) {
        throw new Error(`${path}: cannot replay the record at byte ${lineStart}`, { cause: error });
      }
      records++;
      validEnd = offset;
    }
    carry = Buffer.from(buffer.subarray(start));
  }
  return { fileBytes: validEnd, records, truncatedBytes: size - validEnd };
}
