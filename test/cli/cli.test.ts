import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DLRS = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));

describe('dlrs CLI', () => {
  it('prints its usage with --help and exits 0', async () => {
    const { stdout } = await run(process.execPath, [DLRS, '--help']);
    assert.match(stdout, /Usage: dlrs <command>/);
    assert.match(stdout, /DLRS_CONFIG_FILE/);
  });

  it('exits 2 and names an unknown command', async () => {
    await assert.rejects(run(process.execPath, [DLRS, 'frobnicate']), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 2);
      assert.match(err.stderr ?? '', /unknown command 'frobnicate'/);
      return true;
    });
  });
});
