import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';

/** How the log is opened: where, how its records are replayed, and how it is compacted. */
export interface AppendOnlyLogOptions {
  path: string;
  /** Receives every intact record at open, in file order. Throwing aborts the open. */
  onRecord(payload: string): void;
  /** Asked after each group commit whether the file should be rewritten. */
  shouldCompact(fileBytes: number): boolean;
  /** The records that reproduce the current state, taken synchronously at compaction. */
  snapshot(): Iterable<string>;
}

/** Counters of an open log. */
export interface AppendOnlyLogStats {
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
}

interface Pending {
  frame: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Compaction writes its rewrite here and renames it over the log once it is durable. */
const COMPACTION_SUFFIX = '.compact';

/** Records are written in chunks of about this size when a compaction rewrites the file. */
const REWRITE_CHUNK_BYTES = 1 << 20;

/**
 * An append-only file of text records, one per line as `<crc32 hex> <payload>\n`.
 * Appends made while a write is in flight are written and fdatasync'ed together (group
 * commit); each append resolves only once its record is durable. At open, records are
 * replayed in order and a torn tail (records never acknowledged) is cut off; a damaged
 * record followed by intact ones is corruption and fails the open. After a write or sync
 * error the log refuses further appends: the process must restart and replay.
 */
export class AppendOnlyLog {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private lastAppended: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  private readonly counters: AppendOnlyLogStats;

  private constructor(
    private handle: FileHandle,
    private readonly options: AppendOnlyLogOptions,
    replay: { fileBytes: number; records: number; truncatedBytes: number },
  ) {
    this.counters = { fileBytes: replay.fileBytes, replayedRecords: replay.records, truncatedBytes: replay.truncatedBytes, appendedRecords: 0, syncs: 0, compactions: 0 };
  }

  /** Replays the file at `options.path` (created when absent) and opens it for appending. */
  static async open(options: AppendOnlyLogOptions): Promise<AppendOnlyLog> {
    // A leftover rewrite never replaced the log: the log is still the truth.
    await rm(options.path + COMPACTION_SUFFIX, { force: true });
    const replay = await replayFile(options.path, options.onRecord);
    if (replay.truncatedBytes > 0) {
      const torn = await open(options.path, 'r+');
      try {
        await torn.truncate(replay.fileBytes);
        await torn.sync();
      } finally {
        await torn.close();
      }
    }
    const handle = await open(options.path, 'a');
    await syncDirectory(options.path);
    return new AppendOnlyLog(handle, options, replay);
  }

  /**
   * Appends one record (no newline inside); the promise resolves once it is on disk. Throws
   * at once, before queueing anything, when the log is closed or failed or the record is bad.
   */
  append(payload: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`append-only log ${this.options.path} is closed`);
    if (payload.includes('\n')) throw new Error('a log record must not contain a newline');
    const promise = new Promise<void>((resolve, reject) => {
      this.queue.push({ frame: frame(payload), resolve, reject });
    });
    this.lastAppended = promise;
    this.running ??= this.flushLoop();
    return promise;
  }

  /** Resolves once every record appended so far is durable. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.lastAppended ?? Promise.resolve();
  }

  /** Whether a write or sync failed; the log then refuses appends. */
  get failed(): Error | undefined {
    return this.failure;
  }

  stats(): AppendOnlyLogStats {
    return { ...this.counters };
  }

  /** Waits for pending records, then closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.running;
    await this.handle.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          this.counters.fileBytes += await writeAll(this.handle, group.map((pending) => pending.frame).join(''));
          await this.handle.datasync();
        } catch (error) {
          this.fail(error, group);
          return;
        }
        this.counters.syncs++;
        this.counters.appendedRecords += group.length;
        for (const pending of group) pending.resolve();
        if (this.options.shouldCompact(this.counters.fileBytes)) {
          try {
            await this.compact();
          } catch (error) {
            this.fail(error, []);
            return;
          }
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  // Appends queued during the rewrite land in the new file after the snapshot. The snapshot
  // already reflects them; replaying them again is harmless because records hold full state.
  private async compact(): Promise<void> {
    const target = this.options.path + COMPACTION_SUFFIX;
    const rewrite = await open(target, 'w');
    let bytes = 0;
    try {
      let chunk = '';
      for (const payload of this.options.snapshot()) {
        chunk += frame(payload);
        if (chunk.length >= REWRITE_CHUNK_BYTES) {
          bytes += await writeAll(rewrite, chunk);
          chunk = '';
        }
      }
      bytes += await writeAll(rewrite, chunk);
      await rewrite.sync();
    } finally {
      await rewrite.close();
    }
    await rename(target, this.options.path);
    await syncDirectory(this.options.path);
    const previous = this.handle;
    this.handle = await open(this.options.path, 'a');
    await previous.close();
    this.counters.fileBytes = bytes;
    this.counters.compactions++;
  }

  private fail(error: unknown, group: Pending[]): void {
    this.failure = new Error(`append-only log ${this.options.path} failed; restart to replay it`, { cause: error });
    for (const pending of [...group, ...this.queue]) pending.reject(this.failure);
    this.queue = [];
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

async function writeAll(handle: FileHandle, text: string): Promise<number> {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
    offset += bytesWritten;
  }
  return buffer.length;
}

async function replayFile(path: string, onRecord: (payload: string) => void): Promise<{ fileBytes: number; records: number; truncatedBytes: number }> {
  const size = await stat(path).then((s) => s.size, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return 0;
    throw error;
  });
  if (size === 0) return { fileBytes: 0, records: 0, truncatedBytes: 0 };
  let offset = 0;
  let validEnd = 0;
  let records = 0;
  let damagedAt: number | undefined;
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    const buffer = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
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

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
