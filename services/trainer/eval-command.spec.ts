import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { popularity } from './eval/index.js';
import type { Recommender } from './eval/index.js';
import { datasetName, runEval } from './eval-command.js';

describe('dlrs eval', () => {
  let dir = '';
  const quiet = { error: console.error, log: console.log, write: process.stderr.write.bind(process.stderr) };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-eval-cmd-'));
    console.log = () => undefined;
    console.error = () => undefined;
    process.stderr.write = () => true;
  });
  afterEach(async () => {
    console.log = quiet.log;
    console.error = quiet.error;
    process.stderr.write = quiet.write;
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the report of a synthetic dataset into OUT/<dataset>/', async () => {
    const code = await runEval(['--data', 'synthetic:tiny', '--out', dir, '--models', 'popularity,ease', '--seed', '5']);
    assert.equal(code, 0);
    for (const file of ['report.md', 'report.json', 'map-at-k.svg', 'map-at-k.png']) await access(join(dir, 'synthetic-tiny', file));
  });

  it('runs the candidates the factory supplies, selected by --models like the baselines', async () => {
    const seen: string[] = [];
    const candidate: Recommender = {
      name: 'Candidate',
      grid: [{}],
      fit: async (data, params, context) => {
        const [ranker] = await popularity.fit(data, params, context);
        return [{ name: 'Candidate', recommend: (users, k) => ranker.recommend(users, k) }];
      },
    };
    const code = await runEval(['--data', 'synthetic:tiny', '--out', dir, '--models', 'ease,candidate'], (_dataset, data) => {
      seen.push(data);
      return [candidate];
    });
    assert.equal(code, 0);
    assert.deepEqual(seen, ['synthetic:tiny']);
    const report = JSON.parse(await readFile(join(dir, 'synthetic-tiny', 'report.json'), 'utf8')) as { models: Array<{ name: string }>; comparisons: Array<{ a: string; b: string }> };
    assert.deepEqual(report.models.map((m) => m.name), ['EASE', 'Candidate']);
    assert.deepEqual([...new Set(report.comparisons.map((c) => `${c.a} vs ${c.b}`))], ['Candidate vs EASE']);
  });

  it('rejects bad options with exit code 2 and a missing dataset with 1', async () => {
    assert.equal(await runEval(['--split', 'weekly']), 2);
    assert.equal(await runEval(['--data', 'synthetic:tiny', '--models', 'nonesuch']), 2);
    assert.equal(await runEval(['--seed', '-1']), 2);
    assert.equal(await runEval(['--held-out', 'train']), 2);
    assert.equal(await runEval(['--deep', '{"dimm":8}']), 2, 'an unknown training option');
    assert.equal(await runEval(['--deep', '{"dim":7}']), 2, 'an invalid training option');
    assert.equal(await runEval(['--deep', '{"refit":2}']), 2);
    assert.equal(await runEval(['--data', `movielens:${join(dir, 'absent')}`, '--out', dir]), 1);
  });

  it('--held-out validation never reads test: it reports on the validation part into OUT/<dataset>-validation/', async () => {
    const code = await runEval(['--data', 'synthetic:tiny', '--out', dir, '--models', 'popularity', '--held-out', 'validation']);
    assert.equal(code, 0);
    const report = JSON.parse(await readFile(join(dir, 'synthetic-tiny-validation', 'report.json'), 'utf8')) as {
      heldOut: string;
      test: { interactions: number; trainInteractions: number };
    };
    assert.equal(report.heldOut, 'validation');
    // The protocol ran on train alone: its "all interactions" are the full run's train part.
    assert.equal(await runEval(['--data', 'synthetic:tiny', '--out', dir, '--models', 'popularity']), 0);
    const full = JSON.parse(await readFile(join(dir, 'synthetic-tiny', 'report.json'), 'utf8')) as { test: { trainInteractions: number } };
    assert.equal(report.test.interactions, full.test.trainInteractions);
  });

  it('names report folders after the data', () => {
    assert.equal(datasetName('movielens:../shared/data/movielens/ml-latest-small/'), 'ml-latest-small');
    assert.equal(datasetName('synthetic:small'), 'synthetic-small');
    assert.equal(datasetName('csv:items.csv,events.csv,schema.json'), 'events');
  });
});
