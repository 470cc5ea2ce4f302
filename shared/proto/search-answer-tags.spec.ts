import assert from 'node:assert/strict';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from './load-protos.js';
import * as tags from './search-answer-tags.js';

/** A field as the hand-written codec reads and writes it: its tag, declared type, and whether it repeats. */
interface CodecField {
  /** The name of its constant in search-answer-tags.ts. */
  tag: keyof typeof tags;
  type: string;
  repeated: boolean;
}

/**
 * Every field of the search answers, as retrieval's one-pass encoder and the gateway's decoder
 * know it. `delegated` fields are not coded by hand: an answer holding one goes to proto-loader.
 */
const CODEC: Record<string, { fields: Record<string, CodecField>; delegated: string[] }> = {
  'dlrs.v1.SearchStreamResponse': {
    fields: {
      request_id: { tag: 'STREAM_REQUEST_ID', type: 'string', repeated: false },
      response: { tag: 'STREAM_RESPONSE', type: 'SearchResponse', repeated: false },
    },
    delegated: ['error'],
  },
  'dlrs.v1.SearchResponse': {
    fields: {
      request_id: { tag: 'RESPONSE_REQUEST_ID', type: 'string', repeated: false },
      model_version: { tag: 'RESPONSE_MODEL_VERSION', type: 'string', repeated: false },
      shard: { tag: 'RESPONSE_SHARD', type: 'uint32', repeated: false },
      dim: { tag: 'RESPONSE_DIM', type: 'uint32', repeated: false },
      results: { tag: 'RESPONSE_RESULTS', type: 'SearchResult', repeated: true },
    },
    delegated: [],
  },
  'dlrs.v1.SearchResult': {
    fields: {
      item_ids: { tag: 'RESULT_ITEM_ID', type: 'string', repeated: true },
      similarities: { tag: 'RESULT_SIMILARITIES', type: 'bytes', repeated: false },
      embeddings: { tag: 'RESULT_EMBEDDINGS', type: 'bytes', repeated: false },
      biases: { tag: 'RESULT_BIASES', type: 'bytes', repeated: false },
      bundle_rows: { tag: 'RESULT_BUNDLE_ROWS', type: 'bytes', repeated: false },
    },
    delegated: [],
  },
};

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

/** The wire type protobuf writes a field's (each) value with: its basic type's, or length-delimited for a message. */
function wireTypeOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return 2;
  if (field.resolvedType instanceof protobuf.Enum) return 0;
  const wireType = protobuf.types.basic[field.type as keyof typeof protobuf.types.basic];
  assert.ok(wireType !== undefined, `${field.fullName}: type ${field.type} has a wire type`);
  return wireType;
}

describe('search answer tags (shared/proto/search-answer-tags.ts) against proto/dlrs/v1/retrieval.proto', () => {
  const root = loadRoot();

  for (const [message, codec] of Object.entries(CODEC)) {
    it(`codes every field of ${message} by its number, type and wire type`, () => {
      const type = root.lookupType(message);
      const declared = Object.keys(type.fields).sort();
      assert.deepEqual(declared, [...Object.keys(codec.fields), ...codec.delegated].sort(), `${message}: a field the codec does not know would be dropped silently`);
      for (const [name, expected] of Object.entries(codec.fields)) {
        const field = type.fields[name];
        assert.equal(field.type, expected.type, `${message}.${name}: type`);
        assert.equal(field.repeated, expected.repeated, `${message}.${name}: repeated`);
        // A repeated scalar of a varint or fixed type would be packed (wire type 2): none is coded by hand.
        assert.ok(!field.repeated || wireTypeOf(field) === 2, `${message}.${name}: a repeated field coded by hand is length-delimited`);
        assert.equal(tags[expected.tag], (field.id << 3) | wireTypeOf(field), `${message}.${name}: ${expected.tag} = number ${field.id} << 3 | wire type ${wireTypeOf(field)}`);
      }
    });
  }

  it('checks every tag constant there is', () => {
    const checked = Object.values(CODEC).flatMap((codec) => Object.values(codec.fields).map((field) => field.tag));
    assert.deepEqual(checked.sort(), Object.keys(tags).sort());
  });
});
