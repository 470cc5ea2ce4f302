import assert from 'node:assert/strict';
import { ReusableIdSet } from './reusable-id-set.js';

describe('ReusableIdSet', () => {
  it('tells new ids from repeats while it grows, and forgets them all on clear', () => {
    const set = new ReusableIdSet();
    const ids = Array.from({ length: 500 }, (_, i) => `i${i * 7919}`);
    for (const id of ids) assert.equal(set.add(id), true, id);
    for (const id of ids) assert.equal(set.add(`${id}`), false, id);
    set.clear();
    assert.equal(set.add(ids[0]), true);
    assert.equal(set.add(''), true);
    assert.equal(set.add(''), false);
  });
});
