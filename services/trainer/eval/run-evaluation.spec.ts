import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ease } from './ease.js';
import type { Recommender } from './recommender.js';
import { popularity } from './popularity.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { runEvaluation } from './run-evaluation.js';
import type { InteractionLog } from './split.js';
import { REPORT_FILES, writeReport } from './write-report.js';

/** 60 users in two taste groups over 40 items, 12 events each in random time order. */
function groupsLog(): InteractionLog {
  const rng = new SeededRandom(9);
  const user: number[] = [];
  const item: number[] = [];
  const timestamp: number[] = [];
  for (let u = 0; u < 60; u++) {
    const group = u % 2;
    const seen = new Set<number>();
    while (seen.size < 12) seen.add(group * 20 + rng.int(20));
    for (const i of seen) {
      user.push(u);
      item.push(i);
      timestamp.push(rng.int(1000) * 1000);
    }
  }
  return { user: Int32Array.from(user), item: Int32Array.from(item), timestamp: Float64Array.from(timestamp) };
}

/** A candidate family with two forms from one fit, like the deep model: EASE as is, and popularity as its "gold standard". */
const twoForms: Recommender = {
  name: 'Two forms',
  grid: [{}],
  fit: async (data, _params, context) => {
    const [easeRanker] = await ease.fit(data, { lambda: 10 }, context);
    const [popularityRanker] = await popularity.fit(data, {}, context);
    return [
      { name: 'Two forms, first', recommend: (users, k) => easeRanker.recommend(users, k) },
      { name: 'Two forms, gold standard', recommend: (users, k) => popularityRanker.recommend(users, k) },
    ];
  },
};

describe('eval runEvaluation and writeReport', () => {
  it('compares every form of a candidate with the best baseline and reports the share of its gold standard', async () => {
    const result = await runEvaluation({
      log: groupsLog(),
      numUsers: 60,
      numItems: 40,
      split: 'user',
      seed: 3,
      baselines: [popularity],
      candidates: [twoForms],
      progress: () => undefined,
    });
    assert.deepEqual(result.models.map((m) => `${m.family}/${m.name}/${m.baseline}`), [
      'Popularity/Popularity/true',
      'Two forms/Two forms, first/false',
      'Two forms/Two forms, gold standard/false',
    ]);
    assert.deepEqual(result.comparisons.map((c) => `${c.a}/${c.b}/${c.metric}`), [
      'Two forms, first/Popularity/map@5',
      'Two forms, first/Popularity/map@10',
      'Two forms, gold standard/Popularity/map@5',
      'Two forms, gold standard/Popularity/map@10',
    ]);
    // The gold-standard form ranks exactly like popularity.
    assert.equal(result.comparisons[3].result.relative, 0);
    const dir = await mkdtemp(join(tmpdir(), 'dlrs-eval-'));
    try {
      await writeReport(dir, 'groups', result);
      const markdown = await readFile(join(dir, REPORT_FILES.markdown), 'utf8');
      const first = result.models[1].metrics['map@10'].mean;
      const gold = result.models[2].metrics['map@10'].mean;
      assert.ok(markdown.includes(`| Two forms, first | Two forms, gold standard | ${((first / gold) * 100).toFixed(1)} % |`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tunes on validation, compares with the best baseline and writes all report files', async () => {
    const lines: string[] = [];
    const result = await runEvaluation({
      log: groupsLog(),
      numUsers: 60,
      numItems: 40,
      split: 'user',
      seed: 3,
      baselines: [popularity, ease],
      candidates: [],
      progress: (line) => lines.push(line),
    });
    assert.equal(result.test.testUsers, 60);
    assert.equal(result.test.testInteractions, 60 * 3);
    assert.deepEqual(result.models.map((m) => m.name), ['Popularity', 'EASE']);
    const easeResult = result.models[1];
    assert.equal(easeResult.tuning.length, ease.grid.length);
    const best = Math.max(...easeResult.tuning.map((t) => t.validationMap10));
    assert.equal(easeResult.tuning.find((t) => t.params === easeResult.params)?.validationMap10, best);
    // Knowing the group beats popularity, which ignores it.
    assert.equal(result.bestBaseline, 'EASE');
    assert.deepEqual(result.comparisons.map((c) => `${c.a}/${c.b}/${c.metric}`), ['Popularity/EASE/map@5', 'Popularity/EASE/map@10']);
    assert.ok(result.comparisons[1].result.relative < 0);
    assert.ok(lines.some((l) => l.startsWith('EASE: chosen')));

    const dir = await mkdtemp(join(tmpdir(), 'dlrs-eval-'));
    try {
      const written = await writeReport(dir, 'groups', result);
      assert.equal(written.length, 4);
      const markdown = await readFile(join(dir, REPORT_FILES.markdown), 'utf8');
      assert.match(markdown, /\| EASE \| [\d.]+ ± [\d.]+/);
      assert.match(markdown, /## Against the best baseline \(EASE/);
      const json = JSON.parse(await readFile(join(dir, REPORT_FILES.json), 'utf8')) as { models: Array<{ name: string; perUser?: unknown }> };
      assert.deepEqual(json.models.map((m) => m.name), ['Popularity', 'EASE']);
      assert.equal(json.models[0].perUser, undefined);
      const png = await readFile(join(dir, REPORT_FILES.png));
      assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fits a stochastic model once per seed and a deterministic one once, and compares per seed and pooled', async () => {
    const fitted: number[] = [];
    // Popularity with a seed-dependent twist: seed 3 ranks like popularity, the others like EASE.
    const noisy: Recommender = {
      name: 'Noisy',
      grid: [{}],
      stochastic: true,
      fit: async (data, _params, context) => {
        fitted.push(context.seed);
        const [ranker] = context.seed === 3 ? await popularity.fit(data, {}, context) : await ease.fit(data, { lambda: 10 }, context);
        return [{ name: 'Noisy', recommend: (users, k) => ranker.recommend(users, k) }];
      },
    };
    const result = await runEvaluation({
      log: groupsLog(),
      numUsers: 60,
      numItems: 40,
      split: 'user',
      seed: 3,
      seeds: 3,
      baselines: [popularity],
      candidates: [noisy],
      progress: () => undefined,
    });
    assert.deepEqual(fitted, [3, 4, 5]);
    assert.deepEqual(result.seeds, [3, 4, 5]);
    const [pop, model] = result.models;
    assert.equal(pop.seeds.length, 1, 'a deterministic model is fitted once');
    assert.deepEqual(model.seeds.map((r) => r.seed), [3, 4, 5]);
    const perSeed = model.seeds.map((r) => r.means['map@10']);
    assert.equal(perSeed[0], pop.metrics['map@10'].mean);
    assert.ok(perSeed[1] > perSeed[0], 'knowing the group beats popularity');
    const mean = (perSeed[0] + perSeed[1] + perSeed[2]) / 3;
    assert.ok(Math.abs(model.metrics['map@10'].mean - mean) < 1e-12, 'the table shows the mean over seeds');
    assert.ok(Math.abs(model.spread['map@10'].mean - mean) < 1e-12);
    assert.ok(model.spread['map@10'].sd > 0);
    assert.deepEqual(
      result.comparisons.map((c) => `${c.metric}/${c.seed ?? 'pooled'}`),
      ['map@5/pooled', 'map@10/pooled', 'map@10/3', 'map@10/4', 'map@10/5'],
    );
    assert.equal(result.comparisons[2].result.relative, 0, 'seed 3 ranks like the baseline');
    const dir = await mkdtemp(join(tmpdir(), 'dlrs-eval-'));
    try {
      await writeReport(dir, 'groups', result);
      const markdown = await readFile(join(dir, REPORT_FILES.markdown), 'utf8');
      assert.match(markdown, /## Seed spread/);
      assert.match(markdown, /\| Noisy \| Popularity \| seed 4 \| MAP@10 \|/);
      const json = JSON.parse(await readFile(join(dir, REPORT_FILES.json), 'utf8')) as { models: Array<{ seeds: Array<{ seed: number; perUser?: unknown }> }> };
      assert.deepEqual(json.models[1].seeds.map((r) => r.seed), [3, 4, 5]);
      assert.equal(json.models[1].seeds[0].perUser, undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
