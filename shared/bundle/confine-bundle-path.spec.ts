import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DlrsError } from '../errors/index.js';
import { confineBundlePath } from './confine-bundle-path.js';

describe('confineBundlePath', () => {
  let dir: string;
  let root: string;
  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'dlrs-confine-')));
    root = join(dir, 'bundles');
    await mkdir(join(root, 'v2'), { recursive: true });
    await mkdir(join(dir, 'secret'));
    await symlink(join(dir, 'secret'), join(root, 'escape'));
    await symlink(join(root, 'v2'), join(root, 'current'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('resolves relative, absolute and symlinked paths inside the root', async () => {
    assert.equal(await confineBundlePath(root, 'v2'), join(root, 'v2'));
    assert.equal(await confineBundlePath(root, join(root, 'v2')), join(root, 'v2'));
    assert.equal(await confineBundlePath(root, 'current'), join(root, 'v2'));
  });

  it('gives one error, naming no path, for outside, escaping and missing paths', async () => {
    const messages = new Set<string>();
    for (const requested of ['..', '../secret', join(dir, 'secret'), 'escape', 'missing', join(dir, 'missing'), 'v2/../../secret']) {
      await assert.rejects(confineBundlePath(root, requested), (error: DlrsError) => {
        assert.equal(error.code, 'INVALID_ARGUMENT', requested);
        messages.add(error.message);
        return true;
      });
    }
    assert.deepEqual([...messages], ['bundle_path: is not a model bundle under the configured bundle root']);
  });
});
