import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { endianness } from 'node:os';
import type { DurableFs } from '../../../shared/durable-io/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { LogEntry } from './log-record.js';

// Floats are logged in host order, which must be the little-endian order of the contracts.
if (endianness() !== 'LE') throw new Error('dlrs retrieval needs a little-endian host');

const SEGMENT_PREFIX = 'wal-';
const SEGMENT_SUFFIX = '.log';
/** Starts every segment of the current format; segments without it are of format 1. */
export const SEGMENT_MAGIC = Buffer.from('dlrswal2', 'latin1');
/** Payload length, CRC-32 of the length bytes, CRC-32 of the payload. */
const FRAME_HEADER_BYTES = 12;
/** Format 1 framed records with the length and the payload's CRC-32 only. */
const LEGACY_FRAME_HEADER_BYTES = 8;
const KIND_UPSERT = 1;
const KIND_DELETE = 2;
/** The kind byte and the JSON length: no valid payload is shorter. */
const MIN_PAYLOAD_BYTES = 5;

/** A segment file: `wal-<seq of its first record>.log`. */
export interface SegmentFile {
  path: string;
  name: string;
  firstSeq: number;
}

/** An intact record and where it starts. */
export interface ScannedRecord {
  entry: LogEntry;
  offset: number;
}

/**
 * Where a segment stops being readable. `torn` marks the remains of a write a
 * crash interrupted (cut short, or never written: zeros to the end of the
 * file), which can hold no acknowledged record; `damaged` marks a complete
 * record that fails its checks.
 */
export interface SegmentStop {
  offset: number;
  kind: 'torn' | 'damaged';
  reason: string;
}

/** What a segment holds: its intact records, and the places reading had to skip or stop, in file order. */
export interface ScannedSegment {
  records: ScannedRecord[];
  stops: SegmentStop[];
  sizeBytes: number;
}

/** The file name of the segment whose first record is `firstSeq`. */
export function segmentName(firstSeq: number): string {
  return `${SEGMENT_PREFIX}${String(firstSeq).padStart(16, '0')}${SEGMENT_SUFFIX}`;
}

/** The segments in `dir`, oldest first. */
export async function listSegments(fs: DurableFs, dir: string): Promise<SegmentFile[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.startsWith(SEGMENT_PREFIX) && name.endsWith(SEGMENT_SUFFIX));
  return names
    .map((name) => ({ path: join(dir, name), name, firstSeq: Number(name.slice(SEGMENT_PREFIX.length, -SEGMENT_SUFFIX.length)) }))
    .filter((segment) => Number.isSafeInteger(segment.firstSeq))
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Frames a record: header (length, its CRC, the payload's CRC) and payload. */
export function encodeRecord(entry: LogEntry): Buffer {
  const json = Buffer.from(
    JSON.stringify(entry.kind === 'upsert' ? { seq: entry.seq, modelVersion: entry.modelVersion, dim: entry.dim, items: entry.items } : { seq: entry.seq, ids: entry.ids }),
  );
  const floats = entry.kind === 'upsert' ? [floatBytes(entry.embeddings), floatBytes(entry.biases)] : [];
  const payload = Buffer.concat([Buffer.of(entry.kind === 'upsert' ? KIND_UPSERT : KIND_DELETE), uint32(json.length), json, ...floats]);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(header.subarray(0, 4)), 4);
  header.writeUInt32LE(crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

/**
 * Reads a segment's records in order. The length has a CRC of its own, so a
 * damaged length is told apart from a record cut short. Past a damaged record
 * reading resumes at the next intact frame, so that replay knows which seqs
 * the damage hides and what a repair would drop.
 */
export function scanSegment(bytes: Buffer): ScannedSegment {
  const sizeBytes = bytes.length;
  if (bytes.subarray(0, SEGMENT_MAGIC.length).equals(SEGMENT_MAGIC)) return { ...scanFrames(bytes, SEGMENT_MAGIC.length, FRAME_HEADER_BYTES), sizeBytes };
  if (bytes.length < SEGMENT_MAGIC.length && SEGMENT_MAGIC.subarray(0, bytes.length).equals(bytes)) {
    return { records: [], stops: bytes.length === 0 ? [] : [{ offset: 0, kind: 'torn', reason: 'segment header cut short' }], sizeBytes };
  }
  if (isZeros(bytes, 0)) return { records: [], stops: [{ offset: 0, kind: 'torn', reason: 'segment never written (zeros)' }], sizeBytes };
  // A format-1 segment starts with an intact record; anything else is a damaged header.
  const legacy = scanFrames(bytes, 0, LEGACY_FRAME_HEADER_BYTES);
  if (legacy.records[0]?.offset === 0) return { ...legacy, sizeBytes };
  const rest = scanFrom(bytes, 1, FRAME_HEADER_BYTES);
  return { records: rest.records, stops: [{ offset: 0, kind: 'damaged', reason: 'segment header damaged' }, ...rest.stops], sizeBytes };
}

function scanFrames(bytes: Buffer, start: number, headerBytes: number): Omit<ScannedSegment, 'sizeBytes'> {
  const records: ScannedRecord[] = [];
  const stops: SegmentStop[] = [];
  let offset = start;
  while (offset < bytes.length) {
    const frame = readFrame(bytes, offset, headerBytes);
    if ('entry' in frame) {
      records.push({ entry: frame.entry, offset });
      offset = frame.end;
      continue;
    }
    stops.push({ offset, ...frame });
    if (frame.kind === 'torn') break;
    const rest = scanFrom(bytes, offset + 1, headerBytes);
    return { records: records.concat(rest.records), stops: stops.concat(rest.stops) };
  }
  return { records, stops };
}

/** Scans on from the next intact frame at or after `from` (none: nothing more is readable). */
function scanFrom(bytes: Buffer, from: number, headerBytes: number): Omit<ScannedSegment, 'sizeBytes'> {
  for (let offset = from; offset + headerBytes <= bytes.length; offset++) {
    // Most offsets hold no plausible length: skip them without computing a CRC.
    if (bytes.readUInt32LE(offset) > bytes.length - offset - headerBytes) continue;
    const frame = readFrame(bytes, offset, headerBytes);
    if ('entry' in frame) return scanFrames(bytes, offset, headerBytes);
  }
  return { records: [], stops: [] };
}

/** The record at `offset`, or why there is none. */
function readFrame(bytes: Buffer, offset: number, headerBytes: number): { entry: LogEntry; end: number } | Omit<SegmentStop, 'offset'> {
  if (isZeros(bytes, offset)) return { kind: 'torn', reason: 'record never written (zeros to the end)' };
  if (offset + headerBytes > bytes.length) return { kind: 'torn', reason: 'record header cut short' };
  const length = bytes.readUInt32LE(offset);
  if (headerBytes !== LEGACY_FRAME_HEADER_BYTES && crc32(bytes.subarray(offset, offset + 4)) !== bytes.readUInt32LE(offset + 4)) {
    return { kind: 'damaged', reason: 'record length fails its checksum' };
  }
  const end = offset + headerBytes + length;
  if (end > bytes.length) return { kind: 'torn', reason: `record cut short (${bytes.length - offset} of ${headerBytes + length} bytes)` };
  const payload = bytes.subarray(offset + headerBytes, end);
  if (crc32(payload) !== bytes.readUInt32LE(offset + headerBytes - 4)) return { kind: 'damaged', reason: 'record payload fails its checksum' };
  const entry = decodePayload(payload);
  return entry === undefined ? { kind: 'damaged', reason: 'record payload does not decode' } : { entry, end };
}

function decodePayload(payload: Buffer): LogEntry | undefined {
  if (payload.length < MIN_PAYLOAD_BYTES) return undefined;
  const kind = payload[0];
  const jsonLength = payload.readUInt32LE(1);
  if (5 + jsonLength > payload.length) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(payload.subarray(5, 5 + jsonLength).toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || !Number.isSafeInteger((json as { seq?: unknown }).seq)) return undefined;
  if (kind === KIND_DELETE) {
    const { seq, ids } = json as { seq: number; ids: unknown };
    return Array.isArray(ids) ? { kind: 'delete', seq, ids: ids as string[] } : undefined;
  }
  if (kind !== KIND_UPSERT) return undefined;
  const { seq, modelVersion, dim, items } = json as { seq: number; modelVersion: string; dim: number; items: Item[] };
  if (!Array.isArray(items) || !Number.isSafeInteger(dim)) return undefined;
  const floats = payload.subarray(5 + jsonLength);
  if (floats.length !== items.length * (dim + 1) * 4) return undefined;
  const embeddings = readFloats(floats, 0, items.length * dim);
  const biases = readFloats(floats, items.length * dim * 4, items.length);
  return { kind: 'upsert', seq, modelVersion, dim, items, embeddings, biases };
}

function isZeros(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
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
