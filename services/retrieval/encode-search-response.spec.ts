import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SearchResponse } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { findService } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { withSearchEncoding } from './encode-search-response.js';

const generic = findService([loadProtos().packageDefinition], 'dlrs.v1.Retrieval');
const fast = withSearchEncoding(generic);

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ minLength: 200, maxLength: 300 }));
const bytes = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((a) => (a.length % 2 === 0 ? Buffer.from(a) : a)),
  { nil: undefined },
);
const response: fc.Arbitrary<SearchResponse> = fc.record(
  {
    requestId: text,
    modelVersion: text,
    shard: fc.oneof(fc.constant(0), fc.nat(300), fc.constant(0xffffffff)),
    dim: fc.oneof(fc.constant(0), fc.nat(2000)),
    results: fc.array(fc.record({ itemIds: fc.array(text, { maxLength: 40 }), similarities: bytes, embeddings: bytes, biases: bytes }, { requiredKeys: ['itemIds'] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

/** The message as a client decodes it. */
function decoded(method: 'Search' | 'SearchStream', wire: Buffer): unknown {
  return generic[method].responseDeserialize(wire);
}

describe('withSearchEncoding', () => {
  it('encodes Search and SearchStream answers as the proto-loader serializer does, as a client decodes them', () => {
    fc.assert(
      fc.property(response, text, (message, requestId) => {
        assert.deepEqual(decoded('Search', fast.Search.responseSerialize(message)), decoded('Search', generic.Search.responseSerialize(message)));
        const answer: SearchStreamResponse = { requestId, response: message };
        assert.deepEqual(decoded('SearchStream', fast.SearchStream.responseSerialize(answer)), decoded('SearchStream', generic.SearchStream.responseSerialize(answer)));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves error answers and unexpected values to the proto-loader serializer', () => {
    const error: SearchStreamResponse = { requestId: 'r1', error: { code: 3, message: 'bad k', field: 'k' } };
    assert.deepEqual(fast.SearchStream.responseSerialize(error), generic.SearchStream.responseSerialize(error));
    const base64: SearchResponse = { requestId: 'r2', results: [{ itemIds: ['a'], similarities: Buffer.from([1, 2, 3, 4]).toString('base64') }] };
    assert.deepEqual(fast.Search.responseSerialize(base64), generic.Search.responseSerialize(base64));
    const shardAsText = { requestId: 'r3', shard: '2' } as unknown as SearchResponse;
    assert.deepEqual(decoded('Search', fast.Search.responseSerialize(shardAsText)), decoded('Search', generic.Search.responseSerialize(shardAsText)));
  });
});
