import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { collectGarbage } from './collect-garbage.js';

describe('collectGarbage', () => {
  it('collects an unreachable object without --expose-gc on the command line', async () => {
    const ref = new WeakRef({ payload: new Float64Array(1024) });
    // A WeakRef keeps its target alive until the end of the job that made it.
    await nextTurn();
    collectGarbage();
    assert.equal(ref.deref(), undefined);
  });
});
