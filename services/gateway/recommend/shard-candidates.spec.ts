import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import { candidatesPerShard } from './shard-candidates.js';

describe('candidatesPerShard', () => {
  it('asks a single shard for all candidates and several shards for their share plus a margin', () => {
    assert.equal(candidatesPerShard(300, 1), 300);
    assert.equal(candidatesPerShard(300, 2), 185);
    assert.equal(candidatesPerShard(300, 4), 105);
    // Few candidates: the margin covers them all.
    assert.equal(candidatesPerShard(10, 2), 10);
  });

  it('keeps the best candidates of a hash-sharded catalog in nearly every draw', () => {
    // Where the best 300 items land when each item's shard is a uniform draw, as a hash makes it.
    const random = new SeededRandom(3);
    const perShard = candidatesPerShard(300, 2);
    let short = 0;
    const draws = 2000;
    for (let draw = 0; draw < draws; draw++) {
      let onFirst = 0;
      for (let i = 0; i < 300; i++) if (random.int(2) === 0) onFirst++;
      if (onFirst > perShard || 300 - onFirst > perShard) short++;
    }
    assert.ok(short <= 2, `${short} of ${draws} draws put more than ${perShard} of the best 300 on one shard`);
  });
});
