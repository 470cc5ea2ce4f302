import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = new URL('../../scripts/check-import-cycles.mjs', import.meta.url).pathname;

/** Runs the cycle check of `make lint` over a tree of the given files. */
function checkTree(files: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const root = mkdtempSync(join(tmpdir(), 'dlrs-cycles-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('make lint: import cycles', () => {
  it('fails on modules that import each other, type-only imports and barrels included, naming them', () => {
    const run = checkTree({
      'a/model.ts': "import type { Rows } from './runner.js';\nexport const model = (rows: Rows) => rows;\n",
      'a/runner.ts': "import { helper } from '../b/index.js';\nexport interface Rows { n: number }\nexport const run = helper;\n",
      'b/index.ts': "export { helper } from './helper.js';\n",
      'b/helper.ts': "import type { model } from '../a/model.js';\nexport const helper = (m: typeof model) => m;\n",
      'c/alone.ts': "import { run } from '../a/runner.js';\nexport const alone = run;\n",
    });
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stderr, /import cycle: a\/model\.ts <-> a\/runner\.ts <-> b\/helper\.ts <-> b\/index\.ts/);
    assert.doesNotMatch(run.stderr, /alone/, 'a module that only imports from a cycle is not in it');
  });

  it('passes a tree without cycles', () => {
    const run = checkTree({
      'a/types.ts': 'export interface Rows { n: number }\n',
      'a/model.ts': "import type { Rows } from './types.js';\nexport const model = (rows: Rows) => rows;\n",
      'a/runner.ts': "import type { Rows } from './types.js';\nimport { model } from './model.js';\nexport const run = (rows: Rows) => model(rows);\n",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /no import cycles among 3 modules/);
  });
});
