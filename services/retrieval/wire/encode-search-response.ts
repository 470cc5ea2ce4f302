import type { ServiceDefinition } from '@grpc/grpc-js';
import type { SearchResponse } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchResult } from '../../../shared/generated/dlrs/v1/SearchResult.js';
import type { SearchStreamResponse } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { STREAM_REQUEST_ID, STREAM_RESPONSE, RESPONSE_REQUEST_ID, RESPONSE_MODEL_VERSION, RESPONSE_SHARD, RESPONSE_DIM, RESPONSE_RESULTS, RESULT_ITEM_ID, RESULT_SIMILARITIES, RESULT_EMBEDDINGS, RESULT_BIASES, RESULT_BUNDLE_ROWS } from '../../../shared/proto/index.js';

type Serialize<T> = (message: T) => Buffer;

/**
 * The Retrieval service definition with serializers of the search answers
 * (Search, SearchStream) that write the protobuf wire format in one pass into
 * one buffer, instead of protobufjs's fromObject copy and a writer operation
 * object per item id (about half the heap a search allocated). A message they
 * do not expect (an error answer, bytes given as base64 text, a value of
 * another type) goes to the proto-loader serializer, so every message keeps
 * its encoding.
 */
export function withSearchEncoding(definition: ServiceDefinition): ServiceDefinition {
  const { Search, SearchStream } = definition;
  if (Search === undefined || SearchStream === undefined) throw new Error('withSearchEncoding: not the Retrieval service');
  const generic = { response: Search.responseSerialize as Serialize<SearchResponse>, stream: SearchStream.responseSerialize as Serialize<SearchStreamResponse> };
  return {
    ...definition,
    Search: { ...Search, responseSerialize: (message: SearchResponse) => (plainResponse(message) ? encodeResponse(message) : generic.response(message)) },
    SearchStream: { ...SearchStream, responseSerialize: (message: SearchStreamResponse) => encodeStreamResponse(message, generic.stream) },
  };
}

function encodeStreamResponse(message: SearchStreamResponse, generic: Serialize<SearchStreamResponse>): Buffer {
  const { requestId = '', response, error } = message;
  if (error != null || response == null || typeof requestId !== 'string' || !plainResponse(response)) return generic(message);
  const sized = sizeResponse(response);
  const requestIdBytes = utf8Length(requestId);
  const out = Buffer.allocUnsafe(stringFieldSize(requestIdBytes) + 1 + varintSize(sized.size) + sized.size);
  let at = writeString(out, 0, STREAM_REQUEST_ID, requestId, requestIdBytes);
  out[at++] = STREAM_RESPONSE;
  at = writeVarint(out, at, sized.size);
  writeResponse(out, at, response, sized.resultSizes);
  return out;
}

/** Whether every field of a SearchResponse has the type this encoder writes. */
function plainResponse(message: SearchResponse): boolean {
  const { requestId = '', modelVersion = '', shard = 0, dim = 0, results = [] } = message;
  if (typeof requestId !== 'string' || typeof modelVersion !== 'string' || !isUint32(shard) || !isUint32(dim) || !Array.isArray(results)) return false;
  return results.every(plainResult);
}

function plainResult(result: SearchResult | null | undefined): boolean {
  if (result == null) return false;
  const { itemIds = [], similarities, embeddings, biases, bundleRows } = result;
  if (!Array.isArray(itemIds) || !itemIds.every((id) => typeof id === 'string')) return false;
  return [similarities, embeddings, biases, bundleRows].every((bytes) => bytes === undefined || bytes instanceof Uint8Array);
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

function encodeResponse(response: SearchResponse): Buffer {
  const sized = sizeResponse(response);
  const out = Buffer.allocUnsafe(sized.size);
  writeResponse(out, 0, response, sized.resultSizes);
  return out;
}

/** The encoded size of a response, and of each of its results. */
function sizeResponse(response: SearchResponse): { size: number; resultSizes: number[] } {
  const { requestId = '', modelVersion = '', shard = 0, dim = 0, results = [] } = response;
  let size = stringFieldSize(utf8Length(requestId)) + stringFieldSize(utf8Length(modelVersion));
  if (shard !== 0) size += 1 + varintSize(shard);
  if (dim !== 0) size += 1 + varintSize(dim);
  const resultSizes = results.map(resultSize);
  for (const bytes of resultSizes) size += 1 + varintSize(bytes) + bytes;
  return { size, resultSizes };
}

function writeResponse(out: Buffer, start: number, response: SearchResponse, resultSizes: readonly number[]): number {
  const { requestId = '', modelVersion = '', shard = 0, dim = 0, results = [] } = response;
  let at = writeString(out, start, RESPONSE_REQUEST_ID, requestId, utf8Length(requestId));
  at = writeString(out, at, RESPONSE_MODEL_VERSION, modelVersion, utf8Length(modelVersion));
  if (shard !== 0) {
    out[at++] = RESPONSE_SHARD;
    at = writeVarint(out, at, shard);
  }
  if (dim !== 0) {
    out[at++] = RESPONSE_DIM;
    at = writeVarint(out, at, dim);
  }
  results.forEach((result, i) => {
    out[at++] = RESPONSE_RESULTS;
    at = writeVarint(out, at, resultSizes[i]);
    at = writeResult(out, at, result);
  });
  return at;
}

function resultSize(result: SearchResult): number {
  let size = 0;
  for (const id of result.itemIds ?? []) {
    const bytes = utf8Length(id);
    size += 1 + varintSize(bytes) + bytes;
  }
  return size + bytesFieldSize(result.similarities) + bytesFieldSize(result.embeddings) + bytesFieldSize(result.biases) + bytesFieldSize(result.bundleRows);
}

function writeResult(out: Buffer, start: number, result: SearchResult): number {
  let at = start;
  // Every id is written, empty ones too: a repeated field keeps its positions.
  for (const id of result.itemIds ?? []) {
    const bytes = utf8Length(id);
    out[at++] = RESULT_ITEM_ID;
    at = writeVarint(out, at, bytes);
    at = writeUtf8(out, at, id, bytes);
  }
  at = writeBytes(out, at, RESULT_SIMILARITIES, result.similarities);
  at = writeBytes(out, at, RESULT_EMBEDDINGS, result.embeddings);
  at = writeBytes(out, at, RESULT_BIASES, result.biases);
  return writeBytes(out, at, RESULT_BUNDLE_ROWS, result.bundleRows);
}

/** A singular string field is left out when empty (proto3: the default is not sent). */
function stringFieldSize(bytes: number): number {
  return bytes === 0 ? 0 : 1 + varintSize(bytes) + bytes;
}

function writeString(out: Buffer, start: number, tag: number, value: string, bytes: number): number {
  if (bytes === 0) return start;
  out[start] = tag;
  return writeUtf8(out, writeVarint(out, start + 1, bytes), value, bytes);
}

function bytesFieldSize(value: SearchResult['similarities']): number {
  const length = value?.length ?? 0;
  return length === 0 ? 0 : 1 + varintSize(length) + length;
}

function writeBytes(out: Buffer, start: number, tag: number, value: SearchResult['similarities']): number {
  if (!(value instanceof Uint8Array) || value.length === 0) return start;
  out[start] = tag;
  const at = writeVarint(out, start + 1, value.length);
  out.set(value, at);
  return at + value.length;
}

/** UTF-8 bytes of a string: its length when it is ASCII, as ids usually are. */
function utf8Length(value: string): number {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) >= 0x80) return Buffer.byteLength(value, 'utf8');
  }
  return value.length;
}

function writeUtf8(out: Buffer, start: number, value: string, bytes: number): number {
  // As many bytes as characters only for ASCII: copied by hand, cheaper than a native call for a short id.
  if (bytes === value.length) {
    for (let i = 0; i < bytes; i++) out[start + i] = value.charCodeAt(i);
  } else {
    out.write(value, start, bytes, 'utf8');
  }
  return start + bytes;
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

function writeVarint(out: Buffer, start: number, value: number): number {
  let at = start;
  let rest = value;
  while (rest >= 0x80) {
    out[at++] = (rest & 0x7f) | 0x80;
    rest = Math.floor(rest / 128);
  }
  out[at++] = rest;
  return at;
}
