import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createMemorySink } from '../logging/index.js';
import type { MemorySink } from '../logging/index.js';
import { watchTokenFile } from './token-file-watcher.js';
import type { TokenFileWatcher } from './token-file-watcher.js';

const FORMAT = { scopes: ['read', 'write'], defaultScopes: ['read'] };

describe('watchTokenFile', () => {
  let dir: string;
  let logs: MemorySink;
  let watcher: TokenFileWatcher | undefined;
  const reloads = new EventEmitter();
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-token-file-'));
    logs = createMemorySink();
  });
  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (path: string, pollIntervalMs = 60_000): Promise<TokenFileWatcher> =>
    (watcher = await watchTokenFile({ path, format: FORMAT, logger: createLogger({ level: 'debug', destination: logs }), pollIntervalMs, onReload: (taken) => reloads.emit('reload', taken) }));
  /** Resolves on the next reload attempt (the poll runs on its own timer). */
  const nextReload = async (): Promise<boolean> => (await once(reloads, 'reload'))[0] as boolean;

  it('refuses a bad file at start', async () => {
    const path = join(dir, 'tokens');
    await writeFile(path, 'a read,delete\n');
    await assert.rejects(start(path), /tokens:1: unknown scope "delete"/);
  });

  it('keeps the old tokens when the new file is broken, and takes the next good one', async () => {
    const path = join(dir, 'tokens');
    await writeFile(path, 'old\n');
    const tokens = await start(path);
    await writeFile(path, 'new read,bogus\n');
    assert.equal(await tokens.reload('test'), false);
    assert.ok(tokens.current().scopesOf('old'), 'the old token still works');
    assert.equal(logs.find(/token file not reloaded/).length, 1);
    assert.doesNotMatch(JSON.stringify(logs.lines()), /"new /, 'the log does not echo the token');
    await writeFile(path, 'new write\n');
    assert.equal(await tokens.reload('test'), true);
    assert.equal(tokens.current().scopesOf('old'), undefined);
    assert.deepEqual([...(tokens.current().scopesOf('new') ?? [])], ['write']);
  });

  it('reloads on SIGHUP', async () => {
    const path = join(dir, 'tokens');
    await writeFile(path, 'one\n');
    const tokens = await start(path);
    await writeFile(path, 'two\n');
    const reloaded = nextReload();
    process.emit('SIGHUP', 'SIGHUP');
    assert.equal(await reloaded, true);
    assert.ok(tokens.current().scopesOf('two'));
  });

  it('notices a Kubernetes-style symlink swap by polling', async () => {
    // A Secret mount: tokens -> ..data/tokens, ..data -> a timestamped directory swapped atomically.
    await mkdir(join(dir, 'v1'));
    await mkdir(join(dir, 'v2'));
    await writeFile(join(dir, 'v1', 'tokens'), 'first\n');
    await writeFile(join(dir, 'v2', 'tokens'), 'second read,write\n');
    await symlink('v1', join(dir, '..data'));
    await symlink(join('..data', 'tokens'), join(dir, 'tokens'));
    const tokens = await start(join(dir, 'tokens'), 20);
    assert.ok(tokens.current().scopesOf('first'));
    const reloaded = nextReload();
    await symlink('v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    assert.equal(await reloaded, true);
    assert.equal(tokens.current().scopesOf('first'), undefined);
    assert.deepEqual([...(tokens.current().scopesOf('second') ?? [])], ['read', 'write']);
  });

  it('keeps the tokens while the file is missing for a moment', async () => {
    const path = join(dir, 'tokens');
    await writeFile(path, 'kept\n');
    const tokens = await start(path, 20);
    await unlink(path);
    assert.equal(await tokens.reload('test'), false);
    assert.ok(tokens.current().scopesOf('kept'));
  });
});
