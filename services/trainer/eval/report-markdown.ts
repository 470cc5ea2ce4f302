// The human-readable report: split statistics, the metric table, tuning, comparisons and the figure.
import { METRIC_NAMES } from './metrics.js';
import type { MetricName } from './metrics.js';
import { formatMetricName, formatRelative as pct } from './report-format.js';
import type { EvaluationResult, ModelResult } from './run-evaluation.js';
import type { SplitStats } from './split.js';

/** What the Markdown needs beside the evaluation result. */
export interface ReportContext {
  readonly dataset: string;
  readonly plotFile: string;
  readonly generatedAt: string;
}

/**
 * MAP@10 an independent implementation of the same protocol measured on ml-latest-small (per-user split):
 * a check of the evaluation code, which must come within ±10 %.
 */
export const REFERENCE_MAP10: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'ml-latest-small': { Popularity: 0.043, PureSVD: 0.059, iALS: 0.061, EASE: 0.064 },
};
/** Allowed relative deviation from the reference MAP@10. */
export const REFERENCE_TOLERANCE = 0.1;

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const params = (p: object): string => Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(', ') || '—';

/** Renders the report as Markdown. */
export function reportMarkdown(result: EvaluationResult, context: ReportContext): string {
  const lines: string[] = [
    `# dlrs offline evaluation — ${context.dataset}`,
    '',
    `Protocol: docs/evaluation.md. Split: **${result.split === 'user' ? 'per-user temporal' : 'global temporal'}**; seeds ${result.seeds.join(', ')} (stochastic models are fitted once per seed, the others once); generated ${context.generatedAt}; whole run ${seconds(result.elapsedMs)} s.`,
    'Every model ranks all catalog items for each test user, excluding the user\'s train items, and returns its top 100.',
    'Hyperparameters are chosen on validation (the same split rule applied inside train) by MAP@10, then the model is refitted on all of train.',
    ...(result.heldOut === 'validation'
      ? ['', '**Tuning run (`--held-out validation`)**: the test part was dropped; "test" below is the validation part of the protocol, "train" the rest of train. Not a result.']
      : []),
    '',
    '## Split',
    '',
    '| part | users | interactions | train interactions | test users | test interactions | test interactions on items unseen in train |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    statsRow('test', result.test),
    statsRow('validation (inside train)', result.validation),
    '',
    '## Results (test)',
    '',
    `| model | ${METRIC_NAMES.map(formatMetricName).join(' | ')} | chosen hyperparameters | fit s | score s |`,
    `| --- | ${METRIC_NAMES.map(() => '---:').join(' | ')} | --- | ---: | ---: |`,
    ...result.models.map(modelRow),
    '',
    'Values are means over test users ± their standard error; for a model fitted on several seeds, of each user\'s value averaged over the seeds (the mean over seeds). Fit: final fit on all of train; score: ranking all items for every test user (both per seed).',
    '',
    `![MAP@k over k](${context.plotFile})`,
    '',
    'The thesis\' figure compares its deep model with CF and CF-CBF: here LightFM CF and LightFM hybrid, beside every other model.',
    '',
  ];
  const comparisons = result.comparisons;
  if (comparisons.length > 0) {
    lines.push(
      `## Against the best baseline (${result.bestBaseline}, by test MAP@10 on the mean over seeds)`,
      '',
      'Relative change of the mean (A / B − 1) with a paired bootstrap 95 % confidence interval over test users.',
      '"pooled": each user\'s value averaged over the seeds; "seed N": the fits of seed N (the baseline\'s fit of the same seed when it is stochastic, its only fit otherwise).',
      '',
      '| model A | vs | fits | metric | A | B | change | 95 % CI |',
      '| --- | --- | --- | --- | ---: | ---: | ---: | --- |',
      ...comparisons.map(
        (c) =>
          `| ${c.a} | ${c.b} | ${c.seed === undefined ? 'pooled' : `seed ${c.seed}`} | ${formatMetricName(c.metric)} | ${c.result.meanA.toFixed(4)} | ${c.result.meanB.toFixed(4)} | ${pct(c.result.relative)} | ${pct(c.result.low)} … ${pct(c.result.high)} |`,
      ),
      '',
    );
  }
  lines.push(...seedSection(result), ...visitSection(result), ...familyShares(result.models), ...referenceCheck(result, context.dataset), ...tuningSection(result.models));
  return lines.join('\n');
}

/** The metrics the seed-spread table shows. */
const SPREAD_METRICS: readonly MetricName[] = ['map@5', 'map@10', 'recall@20', 'ndcg@10'];

/** Mean ± sd over seeds of the stochastic models, and each seed's MAP@10. */
function seedSection(result: EvaluationResult): string[] {
  const seeded = result.models.filter((m) => m.seeds.length > 1);
  if (seeded.length === 0) return [];
  return [
    '## Seed spread',
    '',
    'Models whose fit depends on the seed, fitted once per seed on all of train (hyperparameters and, for the deep model, the epoch count chosen once on validation): mean ± standard deviation over seeds of each seed\'s mean, and each seed\'s MAP@10.',
    '',
    `| model | ${SPREAD_METRICS.map(formatMetricName).join(' | ')} | MAP@10 per seed |`,
    `| --- | ${SPREAD_METRICS.map(() => '---:').join(' | ')} | --- |`,
    ...seeded.map(
      (m) =>
        `| ${m.name} | ${SPREAD_METRICS.map((n) => `${m.spread[n].mean.toFixed(4)} ± ${m.spread[n].sd.toFixed(4)}`).join(' | ')} | ${m.seeds.map((r) => `${r.seed}: ${r.means['map@10'].toFixed(4)}`).join(', ')} |`,
    ),
    '',
  ];
}

/** MAP@10 on returning against continuing test users: where a sequence model and an order-free one part ways. */
function visitSection(result: EvaluationResult): string[] {
  const v = result.visits;
  return [
    '## Returning and continuing users',
    '',
    `Test users with some held-out event more than a day after their last train event (returning: ${v.returningUsers}) and the others (continuing: ${v.continuingUsers}), MAP@10 of each group.`,
    '',
    '| model | returning | continuing |',
    '| --- | ---: | ---: |',
    ...v.map10.map((m) => `| ${m.name} | ${m.returning.toFixed(4)} | ${m.continuing.toFixed(4)} |`),
    '',
  ];
}

function statsRow(part: string, s: SplitStats): string {
  return `| ${part} | ${s.users} | ${s.interactions} | ${s.trainInteractions} | ${s.testUsers} | ${s.testInteractions} | ${(s.unseenTestShare * 100).toFixed(1)} % |`;
}

function modelRow(m: ModelResult): string {
  const cells = METRIC_NAMES.map((name) => `${m.metrics[name].mean.toFixed(4)} ± ${m.metrics[name].standardError.toFixed(4)}`);
  return `| ${m.name} | ${cells.join(' | ')} | ${params(m.params)} | ${seconds(m.fitMs)} | ${seconds(m.scoreMs)} |`;
}

/** Names the reference form of a family with several rankers: the deep model's gold standard (RankNet over every item). */
const REFERENCE_FORM = /gold standard/i;

/**
 * For a family with several rankers from one fit (the deep model), the share of the reference
 * form's MAP@10 each other form keeps (the protocol asks it of the two-stage model).
 */
function familyShares(models: readonly ModelResult[]): string[] {
  const families = [...new Set(models.map((m) => m.family))].map((f) => models.filter((m) => m.family === f)).filter((g) => g.length > 1);
  if (families.length === 0) return [];
  const lines = ['## Share of the reference form\'s MAP@10 kept', '', '| model | of | MAP@10 kept |', '| --- | --- | ---: |'];
  for (const family of families) {
    const reference = family.find((m) => REFERENCE_FORM.test(m.name)) ?? family[0];
    for (const m of family) {
      if (m === reference) continue;
      lines.push(`| ${m.name} | ${reference.name} | ${((m.metrics['map@10'].mean / reference.metrics['map@10'].mean) * 100).toFixed(1)} % |`);
    }
  }
  return [...lines, ''];
}

function referenceCheck(result: EvaluationResult, dataset: string): string[] {
  const reference = REFERENCE_MAP10[dataset];
  if (!reference || result.split !== 'user' || result.heldOut !== 'test') return [];
  const lines = [
    '## Check against an independent implementation',
    '',
    `MAP@10 of the same protocol measured independently on ${dataset}; within ±${REFERENCE_TOLERANCE * 100} % passes.`,
    '',
    '| model | here | reference | difference | |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const [name, expected] of Object.entries(reference)) {
    const m = result.models.find((x) => x.name === name);
    if (!m) continue;
    const diff = m.metrics['map@10'].mean / expected - 1;
    lines.push(`| ${name} | ${m.metrics['map@10'].mean.toFixed(4)} | ${expected.toFixed(3)} | ${pct(diff)} | ${Math.abs(diff) <= REFERENCE_TOLERANCE ? 'ok' : '**outside**'} |`);
  }
  return [...lines, ''];
}

function tuningSection(models: readonly ModelResult[]): string[] {
  const tuned = models.filter((m, k) => m.tuning.length > 0 && models.findIndex((x) => x.family === m.family) === k);
  if (tuned.length === 0) return [];
  const lines = ['## Tuning on validation', ''];
  for (const m of tuned) {
    lines.push(`### ${m.family}`, '', '| hyperparameters | validation MAP@10 | fit s |', '| --- | ---: | ---: |');
    for (const t of m.tuning) {
      const chosen = params(t.params) === params(m.params) ? ' **(chosen)**' : '';
      lines.push(`| ${params(t.params)}${chosen} | ${t.validationMap10.toFixed(4)} | ${seconds(t.fitMs)} |`);
    }
    lines.push('');
  }
  return lines;
}
