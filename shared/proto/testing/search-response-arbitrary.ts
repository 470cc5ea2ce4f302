// Random search answers for the specs of the hand-written search-answer codec (retrieval's
// encoder, the gateway's decoder), which compare it with proto-loader on such messages.
import fc from 'fast-check';
import type { SearchResponse } from '../../generated/dlrs/v1/SearchResponse.js';
import { NO_BUNDLE_ROW, bundleRowsBytes } from '../bundle-row.js';

/** Short, binary and long strings. */
export const protoText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ minLength: 200, maxLength: 300 }));

/** Absent, or bytes given as a Buffer or a plain Uint8Array (both are valid `bytes` values). */
const bytes = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((a) => (a.length % 2 === 0 ? Buffer.from(a) : a)),
  { nil: undefined },
);

/** Absent, or bundle_rows as a shard sends them: little-endian uint32 row numbers, 0xFFFFFFFF (shipped) and the edges among them. */
const bundleRows = fc.option(
  fc.array(fc.oneof(fc.constant(0), fc.constant(NO_BUNDLE_ROW), fc.constant(NO_BUNDLE_ROW - 1), fc.nat(200_000)), { maxLength: 40 }).map(bundleRowsBytes),
  { nil: undefined },
);

/** A SearchResponse with any field absent or at its edge values. */
export const searchResponseArbitrary: fc.Arbitrary<SearchResponse> = fc.record(
  {
    requestId: protoText,
    modelVersion: protoText,
    shard: fc.oneof(fc.constant(0), fc.nat(300), fc.constant(0xffffffff)),
    dim: fc.oneof(fc.constant(0), fc.nat(2000)),
    results: fc.array(fc.record({ itemIds: fc.array(protoText, { maxLength: 40 }), similarities: bytes, embeddings: bytes, biases: bytes, bundleRows }, { requiredKeys: ['itemIds'] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
