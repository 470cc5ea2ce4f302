// Writes the cold-start items report folder: report.md, report.json and the figure as SVG and PNG.
import { coldItemsMarkdown } from './cold-items-markdown.js';
import { renderColdItemsPlot } from './cold-items-plot.js';
import { formatMetricName, modelsForJson } from './report-format.js';
import { writeReportFiles } from './write-report.js';
import type { ColdItemsResult } from './run-cold-items.js';
import { COLD_METRICS } from './run-cold-items.js';

/** File names inside a cold-start report folder. */
export const COLD_REPORT_FILES = { markdown: 'report.md', json: 'report.json', svg: 'cold-items.svg', png: 'cold-items.png' } as const;

/** Writes the cold-start report of `result` on `dataset` into `dir` (created if missing); returns the paths written. */
export async function writeColdItemsReport(dir: string, dataset: string, result: ColdItemsResult): Promise<string[]> {
  // The figure shows the test part, or the only part a tuning run has.
  const shown = result.parts.find((p) => p.part === 'test') ?? result.parts[0];
  const bars = (shown?.models ?? []).flatMap((m) => COLD_METRICS.flatMap((metric) => {
    const value = m.intervals[metric];
    return value === undefined ? [] : [{ model: m.name, metric: formatMetricName(metric), value }];
  }));
  const plot = await renderColdItemsPlot(`New items on ${dataset}${shown?.part === 'validation' ? ' (validation)' : ''}`, bars);
  const generatedAt = new Date().toISOString();
  return writeReportFiles(dir, COLD_REPORT_FILES, { markdown: coldItemsMarkdown(result, { dataset, plotFile: COLD_REPORT_FILES.png, generatedAt }), json: { dataset, generatedAt, ...result, parts: result.parts.map((p) => ({ ...p, models: modelsForJson(p.models) })) }, plot });
}
