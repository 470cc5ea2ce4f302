import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SearchStreamResponse } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { findService } from '../../../shared/grpc/index.js';
import { protoText, searchResponseArbitrary } from '../../../shared/proto/testing/search-response-arbitrary.js';
import { NO_BUNDLE_ROW, bundleRowAt, bundleRowsBytes, loadProtos } from '../../../shared/proto/index.js';
import { decodeSearchStreamResponse, withSearchStreamDecoding } from './decode-search-stream-response.js';

const generic = findService([loadProtos().packageDefinition], 'dlrs.v1.Retrieval');
const fast = withSearchStreamDecoding(generic);


/** What each deserializer makes of `wire`: the message, or that it threw. */
function bothDecode(wire: Buffer): [unknown, unknown] {
  const attempt = (deserialize: (bytes: Buffer) => unknown): unknown => {
    try {
      return deserialize(wire);
    } catch {
      return 'threw';
    }
  };
  return [attempt(fast.SearchStream.responseDeserialize), attempt(generic.SearchStream.responseDeserialize)];
}

describe('withSearchStreamDecoding', () => {
  it('decodes SearchStream answers as the proto-loader deserializer does', () => {
    fc.assert(
      fc.property(searchResponseArbitrary, protoText, (message, requestId) => {
        const [fastDecoded, genericDecoded] = bothDecode(generic.SearchStream.responseSerialize({ requestId, response: message } satisfies SearchStreamResponse));
        assert.notEqual(genericDecoded, 'threw');
        assert.deepEqual(fastDecoded, genericDecoded);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves errors, other fields and malformed bytes to proto-loader', () => {
    const error: SearchStreamResponse = { requestId: 'r1', error: { code: 4, message: 'late' } };
    const [fastError, genericError] = bothDecode(generic.SearchStream.responseSerialize(error));
    assert.deepEqual(fastError, genericError);
    assert.equal((fastError as SearchStreamResponse).result, 'error');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (wire) => {
        const [fastDecoded, genericDecoded] = bothDecode(Buffer.from(wire));
        assert.deepEqual(fastDecoded, genericDecoded);
      }),
      { numRuns: 500 },
    );
  });

  it('reads a plain answer itself, handing the byte fields over as views of the received message', () => {
    const wire = generic.SearchStream.responseSerialize({
      requestId: 'r2',
      response: { dim: 1, results: [{ itemIds: ['a'], similarities: Buffer.alloc(4, 1), embeddings: Buffer.alloc(4, 2), biases: Buffer.alloc(4, 3) }] },
    } satisfies SearchStreamResponse);
    const decoded = decodeSearchStreamResponse(wire, () => assert.fail('a plain answer went to proto-loader'));
    const embeddings = decoded.response?.results[0].embeddings;
    assert.equal(embeddings?.buffer, wire.buffer);
    assert.deepEqual([...(embeddings ?? [])], [2, 2, 2, 2]);
  });

  it('reads bundle_rows as row numbers, a view of the received message, beside the shipped rows only', () => {
    const rows = bundleRowsBytes([NO_BUNDLE_ROW, 0, 123_456]);
    const wire = generic.SearchStream.responseSerialize({
      requestId: 'r3',
      response: { dim: 1, results: [{ itemIds: ['a', 'b', 'c'], similarities: Buffer.alloc(12, 1), embeddings: Buffer.alloc(4, 2), biases: Buffer.alloc(4, 3), bundleRows: rows }] },
    } satisfies SearchStreamResponse);
    const result = decodeSearchStreamResponse(wire, () => assert.fail('a plain answer went to proto-loader')).response?.results[0];
    assert.equal(result?.bundleRows.buffer, wire.buffer);
    assert.deepEqual([0, 1, 2].map((i) => bundleRowAt(result?.bundleRows ?? Buffer.alloc(12), i)), [NO_BUNDLE_ROW, 0, 123_456]);
    assert.equal(result?.embeddings.length, 4);
  });
});
