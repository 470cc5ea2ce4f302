import assert from 'node:assert/strict';
import { parseGoDurationMs } from './go-duration.js';

describe('parseGoDurationMs', function () {
  it('reads the units and compound forms of Go durations', function () {
    assert.equal(parseGoDurationMs('5s'), 5000);
    assert.equal(parseGoDurationMs('250ms'), 250);
    assert.equal(parseGoDurationMs('1m30s'), 90_000);
    assert.equal(parseGoDurationMs('1.5h'), 5_400_000);
    assert.equal(parseGoDurationMs('500us'), 0.5);
    assert.equal(parseGoDurationMs('0'), 0);
  });

  it('rejects what Go rejects, naming the value', function () {
    for (const bad of ['', '5', 's', '5 s', '5sec', '-1s', '10s5']) {
      assert.throws(() => parseGoDurationMs(bad, 'timeout'), new RegExp(`timeout '${bad}' is not a Go duration`));
    }
  });
});
