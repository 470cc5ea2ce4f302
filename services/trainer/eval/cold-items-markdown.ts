// The cold-start items report as Markdown: split, table with intervals and seed spread, comparisons, who cannot take part.
import type { ColdItemsResult, ColdPartResult } from './run-cold-items.js';
import { COLD_METRICS } from './run-cold-items.js';
import { formatMetricName, formatRelative } from './report-format.js';

/** What the Markdown needs beside the result. */
export interface ColdReportContext {
  readonly dataset: string;
  readonly plotFile: string;
  readonly generatedAt: string;
}

/** Renders the cold-start report: one section per held-out part (validation, test). */
export function coldItemsMarkdown(result: ColdItemsResult, context: ColdReportContext): string {
  return [
    `# dlrs cold-start items evaluation — ${context.dataset}`,
    '',
    `Protocol: docs/evaluation.md, "Cold-start items". Split seed ${result.seed}; model seeds ${result.seeds.join(', ')}; generated ${context.generatedAt}; whole run ${(result.elapsedMs / 1000).toFixed(2)} s.`,
    'A seeded 20 % of the items with at least 5 users are new: every interaction on them left train. Each held-out user has interactions on new items;',
    'every model ranks the new items only. New items keep the features they have when created (genres, year, title); tags applied by users are removed.',
    'The validation part applies the same rule to the test part\'s train events (its new items are disjoint from the test\'s); settings are chosen there.',
    '',
    ...result.parts.flatMap((part) => partSection(part, result.unable)),
    `![cold-start metrics](${context.plotFile})`,
    '',
  ].join('\n');
}

function partSection(part: ColdPartResult, unable: readonly string[]): string[] {
  const s = part.stats;
  const title = part.part === 'test' ? 'Test part' : 'Validation part';
  const multiSeed = part.models.some((m) => m.seeds.length > 1);
  return [
    `## ${title}`,
    '',
    '| users | interactions | train interactions | eligible items | new items | held-out users | held-out interactions |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.users} | ${s.interactions} | ${s.trainInteractions} | ${s.eligibleItems} | ${s.newItems} | ${s.testUsers} | ${s.testInteractions} |`,
    '',
    `| model | ${COLD_METRICS.map(formatMetricName).join(' | ')} | seeds | fit s |`,
    `| --- | ${COLD_METRICS.map(() => '---:').join(' | ')} | ---: | ---: |`,
    ...part.models.map((m) => {
      const cells = COLD_METRICS.map((name) => {
        const ci = m.intervals[name];
        const interval = ci === undefined ? '' : ` (${ci.low.toFixed(4)} … ${ci.high.toFixed(4)})`;
        return `${m.metrics[name].mean.toFixed(4)}${interval}`;
      });
      return `| ${m.name} | ${cells.join(' | ')} | ${m.seeds.length} | ${(m.fitMs / 1000).toFixed(2)} |`;
    }),
    ...unable.map((name) => `| ${name} | ${COLD_METRICS.map(() => '—').join(' | ')} | | |`),
    '',
    'Values are means over held-out users (averaged over seeds for stochastic models) with a percentile bootstrap 95 % interval over users.',
    ...(unable.length > 0
      ? [`${unable.join(', ')}: cannot score new items — each knows an item only through its interactions (a count, a factor vector, its co-occurrences with other items), and a new item has none.`]
      : []),
    '',
    ...(multiSeed
      ? [
          `### ${title}: seed spread`,
          '',
          `| model | seeds | ${COLD_METRICS.map(formatMetricName).join(' | ')} |`,
          `| --- | --- | ${COLD_METRICS.map(() => '---:').join(' | ')} |`,
          ...part.models
            .filter((m) => m.seeds.length > 1)
            .map((m) => `| ${m.name} | ${m.seeds.map((r) => r.seed).join(', ')} | ${COLD_METRICS.map((n) => `${m.spread[n].mean.toFixed(4)} ± ${m.spread[n].sd.toFixed(4)}`).join(' | ')} |`),
          '',
          'Mean ± standard deviation over seeds of each seed\'s mean.',
          '',
        ]
      : []),
    ...(part.comparisons.length > 0
      ? [
          `### ${title}: deep model against the baselines`,
          '',
          'Relative change of the mean (A / B − 1) with a paired bootstrap 95 % confidence interval over held-out users (values averaged over seeds).',
          '',
          '| model A | vs | metric | A | B | A / B | change | 95 % CI |',
          '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |',
          ...part.comparisons.map(
            (c) =>
              `| ${c.a} | ${c.b} | ${formatMetricName(c.metric)} | ${c.result.meanA.toFixed(4)} | ${c.result.meanB.toFixed(4)} | ${c.result.meanB === 0 ? '—' : (c.result.meanA / c.result.meanB).toFixed(2)}× | ${formatRelative(c.result.relative)} | ${formatRelative(c.result.low)} … ${formatRelative(c.result.high)} |`,
          ),
          '',
        ]
      : []),
  ];
}
