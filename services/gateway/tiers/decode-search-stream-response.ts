import { makeClientConstructor } from '@grpc/grpc-js';
import type { ServiceClientConstructor, ServiceDefinition } from '@grpc/grpc-js';
import type { SearchResponse__Output } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchResult__Output } from '../../../shared/generated/dlrs/v1/SearchResult.js';
import type { SearchStreamResponse__Output } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { STREAM_REQUEST_ID, STREAM_RESPONSE, RESPONSE_REQUEST_ID, RESPONSE_MODEL_VERSION, RESPONSE_SHARD, RESPONSE_DIM, RESPONSE_RESULTS, RESULT_ITEM_ID, RESULT_SIMILARITIES, RESULT_EMBEDDINGS, RESULT_BIASES, RESULT_BUNDLE_ROWS } from '../../../shared/proto/index.js';

type Deserialize<T> = (bytes: Buffer) => T;

/** Thrown inside the decoder when the bytes are not the plain answer it reads; the message then goes to proto-loader. */
class Unexpected extends Error {}
const UNEXPECTED = new Unexpected('not a plain SearchStream answer');

/**
 * The Retrieval service definition (the gateway's client side) whose SearchStream answers are
 * read in one pass into the objects proto-loader would give (the mirror of retrieval's
 * withSearchEncoding): no protobufjs message objects and no toObject copy per result, and the
 * byte fields stay views of the received message. An answer it does not expect (an error, an
 * unknown or repeated singular field, a malformed message) goes to the proto-loader deserializer.
 */
export function withSearchStreamDecoding(definition: ServiceDefinition): ServiceDefinition {
  const { SearchStream } = definition;
  if (SearchStream === undefined) throw new Error('withSearchStreamDecoding: not the Retrieval service');
  const generic = SearchStream.responseDeserialize as Deserialize<SearchStreamResponse__Output>;
  return { ...definition, SearchStream: { ...SearchStream, responseDeserialize: (bytes: Buffer) => decodeSearchStreamResponse(bytes, generic) } };
}

/** The Retrieval client class `Retrieval` (proto-loader's) with its SearchStream answers read by {@link withSearchStreamDecoding}. */
export function searchStreamDecodingClient(Retrieval: { service: ServiceDefinition }): ServiceClientConstructor {
  return makeClientConstructor(withSearchStreamDecoding(Retrieval.service), 'dlrs.v1.Retrieval');
}

/** Decodes one SearchStreamResponse, through `generic` (proto-loader) unless it is a plain answer. */
export function decodeSearchStreamResponse(bytes: Buffer, generic: Deserialize<SearchStreamResponse__Output>): SearchStreamResponse__Output {
  try {
    return readStreamResponse(new Cursor(bytes));
  } catch (error) {
    if (error === UNEXPECTED) return generic(bytes);
    throw error;
  }
}

/** A read position in one message. */
class Cursor {
  at = 0;

  constructor(readonly bytes: Buffer) {}

  varint(end: number): number {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.at >= end) throw UNEXPECTED;
      const byte = bytes[this.at++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (value > 0xffffffff) throw UNEXPECTED;
        return value;
      }
      scale *= 128;
    }
    throw UNEXPECTED;
  }

  /** The end of a length-delimited field whose length comes next. */
  fieldEnd(end: number): number {
    const length = this.varint(end);
    const fieldEnd = this.at + length;
    if (fieldEnd > end) throw UNEXPECTED;
    return fieldEnd;
  }

  string(end: number): string {
    const fieldEnd = this.fieldEnd(end);
    const value = this.bytes.toString('utf8', this.at, fieldEnd);
    this.at = fieldEnd;
    return value;
  }

  /** A view of the field's bytes in the received message, as protobufjs gives under Node. */
  bytesField(end: number): Buffer {
    const fieldEnd = this.fieldEnd(end);
    const value = this.bytes.subarray(this.at, fieldEnd);
    this.at = fieldEnd;
    return value;
  }
}

function readStreamResponse(cursor: Cursor): SearchStreamResponse__Output {
  const end = cursor.bytes.length;
  let requestId = '';
  let response: SearchResponse__Output | undefined;
  while (cursor.at < end) {
    const tag = cursor.varint(end);
    if (tag === STREAM_REQUEST_ID) requestId = cursor.string(end);
    else if (tag === STREAM_RESPONSE && response === undefined) response = readResponse(cursor, cursor.fieldEnd(end));
    else throw UNEXPECTED;
  }
  if (response === undefined) throw UNEXPECTED;
  return { requestId, response, result: 'response' };
}

function readResponse(cursor: Cursor, end: number): SearchResponse__Output {
  const response: SearchResponse__Output = { requestId: '', modelVersion: '', shard: 0, dim: 0, results: [] };
  while (cursor.at < end) {
    const tag = cursor.varint(end);
    if (tag === RESPONSE_RESULTS) response.results.push(readResult(cursor, cursor.fieldEnd(end)));
    else if (tag === RESPONSE_REQUEST_ID) response.requestId = cursor.string(end);
    else if (tag === RESPONSE_MODEL_VERSION) response.modelVersion = cursor.string(end);
    else if (tag === RESPONSE_SHARD) response.shard = cursor.varint(end);
    else if (tag === RESPONSE_DIM) response.dim = cursor.varint(end);
    else throw UNEXPECTED;
  }
  if (cursor.at !== end) throw UNEXPECTED;
  return response;
}

function readResult(cursor: Cursor, end: number): SearchResult__Output {
  const itemIds: string[] = [];
  let similarities: Buffer | undefined;
  let embeddings: Buffer | undefined;
  let biases: Buffer | undefined;
  let bundleRows: Buffer | undefined;
  while (cursor.at < end) {
    const tag = cursor.varint(end);
    if (tag === RESULT_ITEM_ID) itemIds.push(cursor.string(end));
    else if (tag === RESULT_SIMILARITIES) similarities = cursor.bytesField(end);
    else if (tag === RESULT_EMBEDDINGS) embeddings = cursor.bytesField(end);
    else if (tag === RESULT_BIASES) biases = cursor.bytesField(end);
    else if (tag === RESULT_BUNDLE_ROWS) bundleRows = cursor.bytesField(end);
    else throw UNEXPECTED;
  }
  if (cursor.at !== end) throw UNEXPECTED;
  return { itemIds, similarities: similarities ?? Buffer.alloc(0), embeddings: embeddings ?? Buffer.alloc(0), biases: biases ?? Buffer.alloc(0), bundleRows: bundleRows ?? Buffer.alloc(0) };
}
