import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SearchResponse, SearchResponse__Output } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { findService } from '../../../shared/grpc/index.js';
import { protoText, searchResponseArbitrary } from '../../../shared/proto/testing/search-response-arbitrary.js';
import { NO_BUNDLE_ROW, bundleRowAt, bundleRowsBytes, loadProtos } from '../../../shared/proto/index.js';
import { withSearchEncoding } from './encode-search-response.js';

const generic = findService([loadProtos().packageDefinition], 'dlrs.v1.Retrieval');
const fast = withSearchEncoding(generic);


/** The message as a client decodes it. */
function decoded(method: 'Search' | 'SearchStream', wire: Buffer): unknown {
  return generic[method].responseDeserialize(wire);
}

describe('withSearchEncoding', () => {
  it('encodes Search and SearchStream answers as the proto-loader serializer does, as a client decodes them', () => {
    fc.assert(
      fc.property(searchResponseArbitrary, protoText, (message, requestId) => {
        assert.deepEqual(decoded('Search', fast.Search.responseSerialize(message)), decoded('Search', generic.Search.responseSerialize(message)));
        const answer: SearchStreamResponse = { requestId, response: message };
        assert.deepEqual(decoded('SearchStream', fast.SearchStream.responseSerialize(answer)), decoded('SearchStream', generic.SearchStream.responseSerialize(answer)));
      }),
      { numRuns: 500 },
    );
  });

  it('writes bundle_rows as the shard packed them: each candidate\'s bundle row number, or 0xFFFFFFFF when shipped', () => {
    const rows = bundleRowsBytes([7, NO_BUNDLE_ROW, 99_999]);
    const message: SearchResponse = { requestId: 'r', dim: 1, results: [{ itemIds: ['a', 'b', 'c'], similarities: Buffer.alloc(12), embeddings: Buffer.alloc(4, 1), biases: Buffer.alloc(4, 2), bundleRows: rows }] };
    const back = decoded('Search', fast.Search.responseSerialize(message)) as SearchResponse__Output;
    const sent = back.results[0].bundleRows;
    assert.deepEqual([0, 1, 2].map((i) => bundleRowAt(sent, i)), [7, NO_BUNDLE_ROW, 99_999]);
    assert.deepEqual(back.results[0].embeddings, Buffer.alloc(4, 1));
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
