import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { InteractionLogRecord } from './interaction-log-record.js';

/** Options of {@link InteractionLogWriter.open}. */
export interface InteractionLogWriterOptions {
  /** The folder of the log files; created when absent. Several writers may share it. */
  dir: string;
  /** Names this writer's files, so that replicas sharing `dir` never collide; default host-pid. */
  writerId?: string;
  maxFileBytes?: number;
  maxFileAgeMs?: number;
  flushIntervalMs?: number;
  maxBufferBytes?: number;
  /** Told about write errors; the writer keeps going with the next file. */
  onError?: (error: Error) => void;
  /** The clock, for file names and file age. */
  now?: () => number;
}

/** Counters of a writer. */
export interface InteractionLogWriterStats {
  written: number;
  /** Records dropped because the buffer was full (the disk could not keep up) or a write failed. */
  dropped: number;
  files: number;
}

/** Large enough that a day of a busy gateway is a handful of files, small enough to copy around. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
/** An hour per file lets a trainer pick up recent data without waiting for the size bound. */
export const DEFAULT_MAX_FILE_AGE_MS = 60 * 60 * 1000;
/** The log feeds training, not serving: losing up to a second of it in a crash is acceptable. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** Past this much unwritten data the disk is not keeping up; records are dropped, never serving blocked. */
export const DEFAULT_MAX_BUFFER_BYTES = 16 * 1024 * 1024;
/** A buffer this large is written at once instead of waiting for the timer. */
const EAGER_FLUSH_BYTES = 256 * 1024;

/**
 * The file name of a log file: `interactions-<UTC start, yyyymmddThhmmssSSSZ>-<writerId>-<seq>.jsonl`,
 * with every character of the writer id other than letters, digits, `_` and `.` replaced by `_`.
 * Names sort by start time; `seq` orders the files a writer starts within one millisecond.
 */
export function interactionLogFileName(startMs: number, writerId: string, seq: number): string {
  const stamp = new Date(startMs).toISOString().replace(/[-:.]/g, '');
  return `interactions-${stamp}-${writerId.replace(/[^A-Za-z0-9_.]/g, '_')}-${String(seq).padStart(6, '0')}.jsonl`;
}

/**
 * Appends interaction and impression records as JSON lines to rotating files. `append`
 * never blocks: records are buffered and written every `flushIntervalMs` or once the
 * buffer is large; a file is closed once it reaches `maxFileBytes` (passing it by at most
 * one line) and the next write after `maxFileAgeMs` starts a new file. A crash loses at most the unflushed buffer and may leave a partial
 * last line, which the reader skips.
 */
export class InteractionLogWriter {
  private buffer: string[] = [];
  private bufferBytes = 0;
  private file: { handle: FileHandle; bytes: number; openedAtMs: number } | undefined;
  private seq = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters: InteractionLogWriterStats = { written: 0, dropped: 0, files: 0 };
  private readonly writerId: string;
  private readonly maxFileBytes: number;
  private readonly maxFileAgeMs: number;
  private readonly maxBufferBytes: number;
  private readonly now: () => number;

  private constructor(private readonly options: InteractionLogWriterOptions) {
    this.writerId = options.writerId ?? `${hostname()}-${process.pid}`;
    this.maxFileBytes = positive('maxFileBytes', options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    this.maxFileAgeMs = positive('maxFileAgeMs', options.maxFileAgeMs ?? DEFAULT_MAX_FILE_AGE_MS);
    this.maxBufferBytes = positive('maxBufferBytes', options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES);
    this.now = options.now ?? Date.now;
    const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /** Creates `options.dir` when needed; the first file is opened with the first write. */
  static async open(options: InteractionLogWriterOptions): Promise<InteractionLogWriter> {
    await mkdir(options.dir, { recursive: true });
    return new InteractionLogWriter(options);
  }

  /** Buffers one record; false when it was dropped (closed, or the buffer is full). */
  append(record: InteractionLogRecord): boolean {
    const line = JSON.stringify(record) + '\n';
    if (this.closed || this.bufferBytes + line.length > this.maxBufferBytes) {
      this.counters.dropped++;
      return false;
    }
    this.buffer.push(line);
    this.bufferBytes += line.length;
    if (this.bufferBytes >= EAGER_FLUSH_BYTES) void this.flush();
    return true;
  }

  /** Writes everything buffered so far; resolves when it is in the file (not fsynced). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    this.flushing = this.writeBuffered().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  stats(): InteractionLogWriterStats {
    return { ...this.counters };
  }

  /** Flushes and closes the current file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    await this.file?.handle.close();
    this.file = undefined;
  }

  private async writeBuffered(): Promise<void> {
    const lines = this.buffer;
    this.buffer = [];
    this.bufferBytes = 0;
    let done = 0;
    try {
      while (done < lines.length) {
        const file = await this.currentFile();
        // Fill the file up to its bound: it may pass it by the one line that crosses it.
        let chunk = '';
        let taken = 0;
        let bytes = file.bytes;
        while (done + taken < lines.length && bytes < this.maxFileBytes) {
          chunk += lines[done + taken];
          bytes += Buffer.byteLength(lines[done + taken]);
          taken++;
        }
        const data = Buffer.from(chunk, 'utf8');
        for (let offset = 0; offset < data.length; ) offset += (await file.handle.write(data, offset, data.length - offset)).bytesWritten;
        file.bytes = bytes;
        done += taken;
        this.counters.written += taken;
        if (file.bytes >= this.maxFileBytes) await this.rotate();
      }
    } catch (error) {
      // What was not written is lost; the next write starts a fresh file.
      this.counters.dropped += lines.length - done;
      await this.rotate().catch(() => undefined);
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async currentFile(): Promise<{ handle: FileHandle; bytes: number; openedAtMs: number }> {
    if (this.file && this.now() - this.file.openedAtMs >= this.maxFileAgeMs) await this.rotate();
    if (this.file === undefined) {
      const openedAtMs = this.now();
      const handle = await open(join(this.options.dir, interactionLogFileName(openedAtMs, this.writerId, this.seq++)), 'wx');
      this.file = { handle, bytes: 0, openedAtMs };
      this.counters.files++;
    }
    return this.file;
  }

  private async rotate(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.handle.close();
  }
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
