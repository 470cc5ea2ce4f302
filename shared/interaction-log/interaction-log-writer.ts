import { hostname } from 'node:os';
import { join } from 'node:path';
import { nodeDurableFs, writeAll } from '../durable-io/index.js';
import type { DurableFile, DurableFs } from '../durable-io/index.js';
import { interactionLogFileName } from './interaction-log-file-name.js';
import type { InteractionLogRecord } from './interaction-log-record.js';
import { DEFAULT_MAX_TOTAL_BYTES, DEFAULT_RETENTION_MS, applyInteractionLogRetention } from './interaction-log-retention.js';
import type { RetentionResult } from './interaction-log-retention.js';

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
  /** Files last written longer ago are deleted (0 = no age bound); default DEFAULT_RETENTION_MS. */
  retentionMs?: number;
  /** The oldest files are deleted while the folder's log files exceed this (0 = no bound); default DEFAULT_MAX_TOTAL_BYTES. */
  maxTotalBytes?: number;
  /** Told about write and deletion errors; the writer keeps going with the next file. */
  onError?: (error: Error) => void;
  /** Told about each retention pass that deleted files. */
  onRetention?: (result: RetentionResult) => void;
  /** The file layer; the real file system when absent. */
  fs?: DurableFs;
  /** The clock, for file names and file age. */
  now?: () => number;
}

/** Counters of a writer. */
export interface InteractionLogWriterStats {
  written: number;
  /** Records dropped because the buffer was full (the disk could not keep up) or a write failed. */
  dropped: number;
  files: number;
  /** Files deleted by the retention since open (by this writer). */
  deletedFiles: number;
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
 * Appends interaction and impression records as JSON lines to rotating files. `append`
 * never blocks: records are buffered and written every `flushIntervalMs` or once the
 * buffer is large; a file is closed once it reaches `maxFileBytes` (passing it by at most
 * one line) and the next write after `maxFileAgeMs` starts a new file. A crash loses at most the unflushed buffer and may leave a partial
 * last line, which the reader skips.
 *
 * Retention: at open and whenever a file is started, files older than `retentionMs` and the
 * oldest beyond `maxTotalBytes` are deleted (see applyInteractionLogRetention), so the
 * folder stays bounded and a reader at start-up reads only what is retained.
 */
export class InteractionLogWriter {
  private buffer: string[] = [];
  private bufferBytes = 0;
  private file: { handle: DurableFile; name: string; bytes: number; openedAtMs: number } | undefined;
  private seq = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly counters: InteractionLogWriterStats = { written: 0, dropped: 0, files: 0, deletedFiles: 0 };
  private retaining: Promise<void> | undefined;
  private retainAgain = false;
  private readonly fs: DurableFs;
  private readonly retentionMs: number;
  private readonly maxTotalBytes: number;
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
    this.fs = options.fs ?? nodeDurableFs;
    this.retentionMs = nonNegative('retentionMs', options.retentionMs ?? DEFAULT_RETENTION_MS);
    this.maxTotalBytes = nonNegative('maxTotalBytes', options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES);
    const flushIntervalMs = positive('flushIntervalMs', options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS);
    this.timer = setInterval(() => void this.flush(), flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Creates `options.dir` when needed and applies the retention to what is there before
   * returning; the first file is opened with the first write.
   */
  static async open(options: InteractionLogWriterOptions): Promise<InteractionLogWriter> {
    await (options.fs ?? nodeDurableFs).mkdir(options.dir, { recursive: true });
    const writer = new InteractionLogWriter(options);
    await writer.retain();
    return writer;
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
    await this.retaining;
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
        await writeAll(file.handle, Buffer.from(chunk, 'utf8'));
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

  private async currentFile(): Promise<{ handle: DurableFile; name: string; bytes: number; openedAtMs: number }> {
    if (this.file && this.now() - this.file.openedAtMs >= this.maxFileAgeMs) await this.rotate();
    if (this.file === undefined) {
      const openedAtMs = this.now();
      const name = interactionLogFileName(openedAtMs, this.writerId, this.seq++);
      const handle = await this.fs.open(join(this.options.dir, name), 'wx');
      this.file = { handle, name, bytes: 0, openedAtMs };
      this.counters.files++;
      // Each new file may push the folder past its bounds; deleting never holds writes back.
      this.scheduleRetention();
    }
    return this.file;
  }

  /**
   * Starts a retention pass, or asks the running one to go again when it ends: a file started
   * while a pass lists the folder would otherwise leave the folder over its bound until the next.
   */
  private scheduleRetention(): void {
    if (this.retaining !== undefined) {
      this.retainAgain = true;
      return;
    }
    this.retaining = (async () => {
      do {
        this.retainAgain = false;
        await this.retain();
      } while (this.retainAgain);
    })().finally(() => {
      this.retaining = undefined;
    });
  }

  private async retain(): Promise<void> {
    try {
      const keep = new Set(this.file === undefined ? [] : [this.file.name]);
      const result = await applyInteractionLogRetention(this.fs, this.options.dir, { retentionMs: this.retentionMs, maxTotalBytes: this.maxTotalBytes }, { nowMs: this.now(), keep });
      this.counters.deletedFiles += result.deletedFiles;
      if (result.deletedFiles > 0) this.options.onRetention?.(result);
    } catch (error) {
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async rotate(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    await file?.handle.close();
  }
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}
