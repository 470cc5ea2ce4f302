// The cold-start items report as Markdown: split, table with intervals and seed spread, comparisons, who cannot take part.
import type { ColdItemsResult } from './run-cold-items.js';
import { COLD_METRICS } from './run-cold-items.js';
import { formatMetricName, formatRelative } from './report-format.js';

/** What the Markdown needs beside the result. */
export interface ColdReportContext {
  readonly dataset: string;
  readonly plotFile: string;
  readonly generatedAt: string;
}

/** Renders the cold-start report. */
export function coldItemsMarkdown(result: ColdItemsResult, context: ColdReportContext): string {
  const s = result.stats;
  const multiSeed = result.models.some((m) => m.seeds.length > 1);
  return [
    `# dlrs cold-start items evaluation — ${context.dataset}`,
    '',
    `Protocol: docs/evaluation.md, "Cold-start items". Split seed ${result.seed}; model seeds ${result.seeds.join(', ')}; generated ${context.generatedAt}; whole run ${(result.elapsedMs / 1000).toFixed(2)} s.`,
    'A seeded 20 % of the items with at least 5 users are new: every interaction on them left train. Each test user has held-out interactions on new items;',
    'every model ranks the new items only. New items keep the features they have when created (genres, year, title); tags applied by users are removed.',
    '',
    '| users | interactions | train interactions | eligible items | new items | test users | held-out interactions |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.users} | ${s.interactions} | ${s.trainInteractions} | ${s.eligibleItems} | ${s.newItems} | ${s.testUsers} | ${s.testInteractions} |`,
    '',
    '## Results (new items)',
    '',
    `| model | ${COLD_METRICS.map(formatMetricName).join(' | ')} | seeds | fit s |`,
    `| --- | ${COLD_METRICS.map(() => '---:').join(' | ')} | ---: | ---: |`,
    ...result.models.map((m) => {
      const cells = COLD_METRICS.map((name) => {
        const ci = m.intervals[name];
        const interval = ci === undefined ? '' : ` (${ci.low.toFixed(4)} … ${ci.high.toFixed(4)})`;
        return `${m.metrics[name].mean.toFixed(4)}${interval}`;
      });
      return `| ${m.name} | ${cells.join(' | ')} | ${m.seeds.length} | ${(m.fitMs / 1000).toFixed(2)} |`;
    }),
    ...result.unable.map((name) => `| ${name} | ${COLD_METRICS.map(() => '—').join(' | ')} | | |`),
    '',
    'Values are means over test users (averaged over seeds for stochastic models) with a percentile bootstrap 95 % interval over users.',
    ...(result.unable.length > 0
      ? [`${result.unable.join(', ')}: cannot score new items — each knows an item only through its interactions (a count, a factor vector, its co-occurrences with other items), and a new item has none.`]
      : []),
    '',
    `![cold-start metrics](${context.plotFile})`,
    '',
    ...(multiSeed
      ? [
          '## Seed spread',
          '',
          `| model | seeds | ${COLD_METRICS.map(formatMetricName).join(' | ')} |`,
          `| --- | --- | ${COLD_METRICS.map(() => '---:').join(' | ')} |`,
          ...result.models
            .filter((m) => m.seeds.length > 1)
            .map((m) => `| ${m.name} | ${m.seeds.map((r) => r.seed).join(', ')} | ${COLD_METRICS.map((n) => `${m.spread[n].mean.toFixed(4)} ± ${m.spread[n].sd.toFixed(4)}`).join(' | ')} |`),
          '',
          'Mean ± standard deviation over seeds of each seed\'s mean.',
          '',
        ]
      : []),
    ...(result.comparisons.length > 0
      ? [
          '## Deep model against the baselines',
          '',
          'Relative change of the mean (A / B − 1) with a paired bootstrap 95 % confidence interval over test users (values averaged over seeds).',
          '',
          '| model A | vs | metric | A | B | A / B | change | 95 % CI |',
          '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
          ...result.comparisons.map(
            (c) =>
              `| ${c.a} | ${c.b} | ${formatMetricName(c.metric)} | ${c.result.meanA.toFixed(4)} | ${c.result.meanB.toFixed(4)} | ${c.result.meanB === 0 ? '—' : (c.result.meanA / c.result.meanB).toFixed(2)}× | ${formatRelative(c.result.relative)} | ${formatRelative(c.result.low)} … ${formatRelative(c.result.high)} |`,
          ),
          '',
        ]
      : []),
  ].join('\n');
}
