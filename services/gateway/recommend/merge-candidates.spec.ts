import assert from 'node:assert/strict';
import type { SearchResult__Output } from '../../../shared/generated/dlrs/v1/SearchResult.js';
import { NO_BUNDLE_ROW, bundleRowsBytes } from '../../../shared/proto/index.js';
import { mergeCandidates } from './merge-candidates.js';

const DIM = 2;

/**
 * A shard's result whose item `id` has the embedding [value, -value] and the bias value / 10;
 * with `bundleRows`, those items are sent by their bundle row number and their rows left out.
 */
function result(items: [id: string, similarity: number, value: number][], bundleRows?: ReadonlyMap<string, number>): SearchResult__Output {
  const floats = (values: number[]): Buffer => Buffer.from(Float32Array.from(values).buffer);
  const shipped = items.filter(([id]) => bundleRows?.has(id) !== true);
  return {
    itemIds: items.map(([id]) => id),
    similarities: floats(items.map(([, similarity]) => similarity)),
    embeddings: floats(shipped.flatMap(([, , value]) => [value, -value])),
    biases: floats(shipped.map(([, , value]) => value / 10)),
    bundleRows: bundleRows === undefined ? Buffer.alloc(0) : bundleRowsBytes(items.map(([id]) => bundleRows.get(id) ?? NO_BUNDLE_ROW)),
  };
}

const rows = (buffer: Buffer): number[] => [...new Float32Array(buffer.buffer, buffer.byteOffset, buffer.length / 4)];

describe('mergeCandidates', () => {
  it('keeps the best over the shards, each item once with its best row, ties by id, rows in the shards\' order', () => {
    const merged = mergeCandidates(
      [
        result([
          ['a', 0.9, 1],
          ['c', 0.5, 3],
          ['x', 0.2, 9],
        ]),
        result([
          ['b', 0.5, 2],
          ['c', 0.7, 4],
          ['d', 0.1, 5],
        ]),
      ],
      DIM,
      3,
    );
    // c's better row is the second shard's; b ties c's first row at 0.5 and wins it by id.
    assert.deepEqual(merged.itemIds, ['a', 'b', 'c']);
    assert.deepEqual([...merged.similarities].map((s) => Math.round(s * 10) / 10), [0.9, 0.5, 0.7]);
    assert.deepEqual(rows(merged.embeddings), [1, -1, 2, -2, 4, -4]);
    assert.deepEqual(rows(merged.biases).map((b) => Math.round(b * 10) / 10), [0.1, 0.2, 0.4]);
  });

  it('returns fewer than the limit when the shards answered fewer, and nothing for no rows', () => {
    assert.deepEqual(mergeCandidates([result([['a', 0.3, 1]])], DIM, 5).itemIds, ['a']);
    const empty = mergeCandidates([result([])], DIM, 5);
    assert.equal(empty.itemIds.length, 0);
    assert.equal(empty.embeddings.length, 0);
  });

  it('keeps the row numbers of bundle rows and ships only the other rows, in candidate order, beside a shard that sent every row', () => {
    const merged = mergeCandidates(
      [
        result(
          [
            ['a', 0.9, 1],
            ['c', 0.5, 3],
            ['e', 0.45, 6],
            ['x', 0.2, 9],
          ],
          new Map([
            ['a', 17],
            ['x', 3],
          ]),
        ),
        result([
          ['b', 0.5, 2],
          ['c', 0.7, 4],
          ['d', 0.1, 5],
        ]),
      ],
      DIM,
      4,
    );
    assert.deepEqual(merged.itemIds, ['a', 'e', 'b', 'c']);
    assert.deepEqual(merged.bundleRows, bundleRowsBytes([17, NO_BUNDLE_ROW, NO_BUNDLE_ROW, NO_BUNDLE_ROW]));
    assert.deepEqual(rows(merged.embeddings), [6, -6, 2, -2, 4, -4]);
    assert.deepEqual(rows(merged.biases).map((b) => Math.round(b * 10) / 10), [0.6, 0.2, 0.4]);
    assert.equal(mergeCandidates([result([['a', 0.3, 1]])], DIM, 5).bundleRows, undefined);
  });

  it('refuses bundle_rows whose length or row numbers do not match the rows sent', () => {
    const flagged = result([['a', 0.3, 1], ['b', 0.2, 2]], new Map([['a', 0]]));
    assert.throws(() => mergeCandidates([{ ...flagged, bundleRows: bundleRowsBytes([0]) }], DIM, 5), /bundle_rows hold 4 bytes for 2 items/);
    assert.throws(() => mergeCandidates([{ ...flagged, bundleRows: bundleRowsBytes([NO_BUNDLE_ROW, NO_BUNDLE_ROW]) }], DIM, 5), /embeddings hold 8 bytes for 2 items of dimension 2/);
  });

  it('refuses a result whose embeddings do not match its ids and dimension', () => {
    const bad = { ...result([['a', 0.3, 1]]), embeddings: Buffer.alloc(4) };
    assert.throws(() => mergeCandidates([bad], DIM, 5), /embeddings hold 4 bytes for 1 items of dimension 2/);
  });
});
