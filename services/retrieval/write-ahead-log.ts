import { open, readdir, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { endianness } from 'node:os';
import type { Item } from '../../shared/features/index.js';

// Floats are logged in host order, which must be the little-endian order of the contracts.
if (endianness() !== 'LE') throw new Error('dlrs retrieval needs a little-endian host');

/** An upsert as logged: raw items with the embeddings and biases a model version gave them. */
export interface UpsertRecord {
  kind: 'upsert';
  modelVersion: string;
  dim: number;
  items: Item[];
  /** items.length × dim float32. */
  embeddings: Float32Array;
  biases: Float32Array;
}

/** A delete as logged. */
export interface DeleteRecord {
  kind: 'delete';
  ids: string[];
}

/** A mutation of the shard. */
export type LogRecord = UpsertRecord | DeleteRecord;

/** A mutation with its position in the log. */
export type LogEntry = LogRecord & { seq: number };

/** An appended record: its sequence number, and a promise that settles once it is on disk. */
export interface Appended {
  seq: number;
  durable: Promise<void>;
}

const SEGMENT_PREFIX = 'wal-';
const SEGMENT_SUFFIX = '.log';
const FRAME_HEADER_BYTES = 8;
const KIND_UPSERT = 1;
const KIND_DELETE = 2;

/**
 * An append-only log of shard mutations in segment files `wal-<first seq>.log`.
 * Each record is framed with its length and CRC-32, so a record torn by a crash
 * is recognised and ignored. Appends made while a write is in flight are
 * written and fsynced together (group commit): one fsync acknowledges many
 * concurrent requests.
 */
export class WriteAheadLog {
  readonly dir: string;
  private handle: FileHandle;
  private nextSeq: number;
  private pending: PendingWork[] = [];
  private working: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;

  private constructor(dir: string, handle: FileHandle, nextSeq: number) {
    this.dir = dir;
    this.handle = handle;
    this.nextSeq = nextSeq;
  }

  /**
   * Opens the log for appending in a fresh segment whose first record gets
   * `nextSeq` (one past the last intact record read by {@link readLog}, or past
   * the snapshot's seq).
   */
  static async open(dir: string, nextSeq: number): Promise<WriteAheadLog> {
    return new WriteAheadLog(dir, await createSegment(dir, nextSeq), nextSeq);
  }

  /** The sequence number the next append gets. */
  get nextSequence(): number {
    return this.nextSeq;
  }

  /** Appends a record; it is durable once `durable` resolves. Records keep the order of the calls. */
  append(record: LogRecord): Appended {
    const seq = this.nextSeq++;
    const refused = this.refusal();
    if (refused !== undefined) return { seq, durable: Promise.reject(refused) };
    const buffer = encodeRecord({ ...record, seq });
    const durable = new Promise<void>((resolve, reject) => this.pending.push({ kind: 'write', buffer, resolve, reject }));
    this.working ??= this.work();
    return { seq, durable };
  }

  /**
   * Starts a new segment with the next append; then deletes the segments that
   * hold only records up to `coveredSeq` (those a snapshot already contains).
   */
  rotate(coveredSeq: number): Promise<void> {
    const refused = this.refusal();
    if (refused !== undefined) return Promise.reject(refused);
    const done = new Promise<void>((resolve, reject) => this.pending.push({ kind: 'rotate', firstSeq: this.nextSeq, coveredSeq, resolve, reject }));
    this.working ??= this.work();
    return done;
  }

  /** Waits for pending appends and closes the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.working;
    await this.handle.close();
  }

  private refusal(): Error | undefined {
    if (this.closed) return new Error('the write-ahead log is closed');
    return this.failure === undefined ? undefined : new Error('the write-ahead log failed', { cause: this.failure });
  }

  /** Runs queued writes and rotations one after another, so a rotation splits the records exactly at its seq. */
  private async work(): Promise<void> {
    // Let the appends of the current turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const rotateAt = this.pending.findIndex((p) => p.kind === 'rotate');
      const batch = this.pending.splice(0, rotateAt < 0 ? this.pending.length : Math.max(rotateAt, 1));
      try {
        const first = batch[0];
        if (first.kind === 'rotate') {
          await this.startSegment(first.firstSeq, first.coveredSeq);
        } else {
          await this.handle.write(Buffer.concat(batch.map((p) => (p.kind === 'write' ? p.buffer : Buffer.alloc(0)))));
          await this.handle.datasync();
        }
        for (const p of batch) p.resolve();
      } catch (error) {
        // After a failed write or fsync the file's state is unknown: refuse everything after it.
        this.failure = error;
        for (const p of [...batch, ...this.pending]) p.reject(error);
        this.pending = [];
      }
    }
    this.working = undefined;
  }

  private async startSegment(firstSeq: number, coveredSeq: number): Promise<void> {
    const previous = this.handle;
    this.handle = await createSegment(this.dir, firstSeq);
    await previous.close();
    const segments = await listSegments(this.dir);
    for (let i = 0; i + 1 < segments.length; i++) {
      // Segment i holds the records below the first seq of segment i + 1.
      if (segments[i + 1].firstSeq <= coveredSeq + 1) await rm(segments[i].path, { force: true });
    }
  }
}

type PendingWork =
  | { kind: 'write'; buffer: Buffer; resolve: () => void; reject: (error: unknown) => void }
  | { kind: 'rotate'; firstSeq: number; coveredSeq: number; resolve: () => void; reject: (error: unknown) => void };

/**
 * The intact records of every segment in `dir` with seq > `afterSeq`, in
 * order. A segment is read up to its first torn or corrupt record.
 */
export async function readLog(dir: string, afterSeq: number): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (const segment of await listSegments(dir)) {
    const bytes = await readFile(segment.path);
    let offset = 0;
    while (offset + FRAME_HEADER_BYTES <= bytes.length) {
      const length = bytes.readUInt32LE(offset);
      const end = offset + FRAME_HEADER_BYTES + length;
      if (end > bytes.length) break;
      const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
      if (crc32(payload) !== bytes.readUInt32LE(offset + 4)) break;
      const entry = decodePayload(payload);
      if (entry.seq > afterSeq) entries.push(entry);
      offset = end;
    }
  }
  entries.sort((a, b) => a.seq - b.seq);
  return entries;
}

function encodeRecord(entry: LogEntry): Buffer {
  const json = Buffer.from(
    JSON.stringify(entry.kind === 'upsert' ? { seq: entry.seq, modelVersion: entry.modelVersion, dim: entry.dim, items: entry.items } : { seq: entry.seq, ids: entry.ids }),
  );
  const floats = entry.kind === 'upsert' ? [floatBytes(entry.embeddings), floatBytes(entry.biases)] : [];
  const payload = Buffer.concat([Buffer.of(entry.kind === 'upsert' ? KIND_UPSERT : KIND_DELETE), uint32(json.length), json, ...floats]);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

function decodePayload(payload: Buffer): LogEntry {
  const kind = payload[0];
  const jsonLength = payload.readUInt32LE(1);
  const json: unknown = JSON.parse(payload.subarray(5, 5 + jsonLength).toString('utf8'));
  if (kind === KIND_DELETE) {
    const { seq, ids } = json as { seq: number; ids: string[] };
    return { kind: 'delete', seq, ids };
  }
  const { seq, modelVersion, dim, items } = json as { seq: number; modelVersion: string; dim: number; items: Item[] };
  const floats = payload.subarray(5 + jsonLength);
  const embeddings = readFloats(floats, 0, items.length * dim);
  const biases = readFloats(floats, items.length * dim * 4, items.length);
  return { kind: 'upsert', seq, modelVersion, dim, items, embeddings, biases };
}

function floatBytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function readFloats(bytes: Buffer, offset: number, count: number): Float32Array {
  // Copied out: the payload's offset in its buffer need not be 4-byte aligned.
  const copy = new Uint8Array(count * 4);
  copy.set(bytes.subarray(offset, offset + count * 4));
  return new Float32Array(copy.buffer);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}

async function createSegment(dir: string, firstSeq: number): Promise<FileHandle> {
  // A segment named after the next seq can only hold a torn, unacknowledged tail: start it empty.
  const handle = await open(join(dir, `${SEGMENT_PREFIX}${String(firstSeq).padStart(16, '0')}${SEGMENT_SUFFIX}`), 'w');
  await syncDirectory(dir);
  return handle;
}

async function listSegments(dir: string): Promise<{ path: string; firstSeq: number }[]> {
  const names = (await readdir(dir)).filter((name) => name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX));
  return names
    .map((name) => ({ path: join(dir, name), firstSeq: Number(name.slice(SEGMENT_PREFIX.length, -SEGMENT_SUFFIX.length)) }))
    .filter((segment) => Number.isSafeInteger(segment.firstSeq))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Makes a created or renamed directory entry durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
