import assert from 'node:assert/strict';
import { runRetrieval } from './index.js';

describe('runRetrieval', () => {
  it('answers usage errors with exit code 2 before starting anything', async () => {
    assert.equal(await runRetrieval(['--no-such-flag']), 2);
    assert.equal(await runRetrieval(['--bundle', '/nonexistent', '--data-dir', '/tmp/x', '--shard', 'first']), 2);
    assert.equal(await runRetrieval(['--bundle', '/nonexistent', '--data-dir', '/tmp/x', '--shard', '4/4']), 2);
  });
});
