import assert from 'node:assert/strict';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { featurePopularity, popularity } from './eval/index.js';
import type { ColdItemRecommender, Recommender } from './eval/index.js';
import { datasetName, modelKey, runEval } from './eval-command.js';

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
    assert.equal(await runEval(['--seeds', '0']), 2);
    assert.equal(await runEval(['--split', 'similar-items', '--held-out', 'validation']), 2);
    const errors: string[] = [];
    console.error = (line: string) => errors.push(line);
    assert.equal(await runEval(['--data', `movielens:${join(dir, 'absent')}`, '--out', dir]), 1);
    assert.match(errors.join('\n'), /ml-latest-small\.zip.*ratings\.csv exists/s, 'says where to get MovieLens and where to put it');
  });

  it('--split cold-items writes the cold-start report with the baselines, the candidates and who cannot score new items', async () => {
    const seeds: number[] = [];
    // A stochastic candidate: feature popularity under another name, recording its seeds.
    const candidate: ColdItemRecommender = {
      name: 'Candidate',
      stochastic: true,
      fit: async (data, context) => {
        seeds.push(context.seed);
        const [ranker] = await featurePopularity.fit(data, context);
        return [{ name: 'Candidate', recommend: (users, k) => ranker.recommend(users, k) }];
      },
    };
    const code = await runEval(['--data', 'synthetic:tiny', '--out', dir, '--split', 'cold-items', '--seed', '4', '--seeds', '2', '--models', 'Feature popularity,random,candidate'], undefined, () => [candidate]);
    assert.equal(code, 0);
    assert.deepEqual(seeds, [4, 5, 4, 5], 'both seeds on the validation part, then on the test part');
    const folder = join(dir, 'synthetic-tiny-cold-items');
    for (const file of ['report.md', 'cold-items.svg', 'cold-items.png']) await access(join(folder, file));
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8')) as {
      parts: Array<{
        part: string;
        stats: { newItems: number; trainInteractions: number; interactions: number };
        models: Array<{ name: string; metrics: Record<string, { mean: number }> }>;
        comparisons: Array<{ a: string; b: string; metric: string }>;
      }>;
      unable: string[];
    };
    assert.deepEqual(report.parts.map((p) => p.part), ['validation', 'test']);
    const [validation, test] = report.parts;
    assert.ok(validation.stats.newItems > 0);
    assert.equal(validation.stats.interactions, test.stats.trainInteractions, 'the validation part splits the test part\'s train events');
    assert.deepEqual(validation.models.map((m) => m.name), ['Feature popularity', 'Random', 'Candidate']);
    const { models, comparisons } = test;
    assert.deepEqual(models.map((m) => m.name), ['Feature popularity', 'Random', 'Candidate']);
    assert.equal(models[2].metrics['recall@20'].mean, models[0].metrics['recall@20'].mean);
    assert.ok(models[0].metrics['recall@20'].mean > models[1].metrics['recall@20'].mean, 'genres beat a random order');
    // Every main baseline but LightFM hybrid, which has a cold-start form.
    assert.deepEqual(report.unable, ['Popularity', 'PureSVD', 'iALS', 'EASE', 'LightFM CF', 'Recency EASE', 'SKNN']);
    assert.deepEqual(comparisons.map((c) => `${c.a} vs ${c.b} ${c.metric}`), [
      'Candidate vs Feature popularity recall@20',
      'Candidate vs Feature popularity map@10',
      'Candidate vs Random recall@20',
      'Candidate vs Random map@10',
    ]);
    const markdown = await readFile(join(folder, 'report.md'), 'utf8');
    assert.match(markdown, /\| EASE \| — \| — \| — \| — \|/);
    assert.match(markdown, /cannot score new items/);
    assert.match(markdown, /Protocol: docs\/evaluation\.md/);
    assert.match(markdown, /## Validation part[\s\S]*## Test part/);
  });

  it('--split cold-items --held-out validation reports the validation part alone, in its own folder', async () => {
    const code = await runEval(['--data', 'synthetic:tiny', '--out', dir, '--split', 'cold-items', '--held-out', 'validation', '--seeds', '1', '--models', 'Feature popularity']);
    assert.equal(code, 0);
    const report = JSON.parse(await readFile(join(dir, 'synthetic-tiny-cold-items-validation', 'report.json'), 'utf8')) as { parts: Array<{ part: string }> };
    assert.deepEqual(report.parts.map((p) => p.part), ['validation']);
  });

  it('names models for --models by lower-cased words joined by dashes', () => {
    assert.equal(modelKey('Deep, thesis objective'), 'deep-thesis-objective');
    assert.equal(modelKey('Feature popularity'), 'feature-popularity');
    assert.equal(modelKey('iALS'), 'ials');
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
