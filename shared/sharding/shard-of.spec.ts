import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fnv1a32, fnv1a32Utf8, shardOf } from './index.js';

describe('shardOf', () => {
  it('matches the published FNV-1a 32-bit test vectors', () => {
    const vectors: Array<[string, number]> = [
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ];
    for (const [text, expected] of vectors) {
      assert.equal(fnv1a32(new TextEncoder().encode(text)), expected, text);
      assert.equal(fnv1a32Utf8(text), expected, text);
    }
  });

  it('hashes the UTF-8 bytes, multi-byte characters included', () => {
    assert.equal(fnv1a32Utf8('é'), fnv1a32(Uint8Array.of(0xc3, 0xa9)));
    assert.equal(fnv1a32Utf8('€'), fnv1a32(Uint8Array.of(0xe2, 0x82, 0xac)));
    assert.equal(fnv1a32Utf8('😀'), fnv1a32(Uint8Array.of(0xf0, 0x9f, 0x98, 0x80)));
    assert.equal(fnv1a32Utf8('a\ud800b'), fnv1a32(Uint8Array.of(0x61, 0xef, 0xbf, 0xbd, 0x62)), 'lone surrogate');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        assert.equal(fnv1a32Utf8(text), fnv1a32(new TextEncoder().encode(text)));
      }),
    );
  });

  it('assigns fixed shards that every client must reproduce', () => {
    const vectors: Array<[string, number, number]> = [
      ['item-1', 0xaf5213e0, 0],
      ['item-2', 0xb2521899, 1],
      ['movie:318', 0xbef43185, 1],
      ['42', 0x87e38583, 3],
    ];
    for (const [id, hash, shard] of vectors) {
      assert.equal(fnv1a32Utf8(id), hash, id);
      assert.equal(shardOf(id, 4), shard, id);
    }
    assert.equal(shardOf('foobar', 7), 0xbf9cf968 % 7);
    assert.equal(shardOf('anything', 1), 0);
  });

  it('rejects a shard count that is not a positive integer', () => {
    assert.throws(() => shardOf('a', 0), RangeError);
    assert.throws(() => shardOf('a', 1.5), RangeError);
  });
});
