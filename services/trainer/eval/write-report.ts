// Writes a report folder: report.md, report.json and the MAP@k figure as SVG and PNG.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAP_CUTOFFS } from './metrics.js';
import { renderMapPlot } from './map-plot.js';
import type { RenderedPlot } from '../../../shared/plot/index.js';
import { modelsForJson } from './report-format.js';
import { reportMarkdown } from './report-markdown.js';
import type { EvaluationResult } from './run-evaluation.js';

/** File names inside a report folder. */
export const REPORT_FILES = { markdown: 'report.md', json: 'report.json', svg: 'map-at-k.svg', png: 'map-at-k.png' } as const;

/** Writes the report of `result` on `dataset` into `dir` (created if missing); returns the paths written. */
export async function writeReport(dir: string, dataset: string, result: EvaluationResult): Promise<string[]> {
  const splitName = result.split === 'user' ? 'per-user temporal split' : 'global temporal split';
  const plot = await renderMapPlot(`MAP@k on ${dataset} (${splitName})`, result.models.map((m) => ({ model: m.name, values: MAP_CUTOFFS.map((k) => m.metrics[`map@${k}`].mean) })));
  const generatedAt = new Date().toISOString();
  return writeReportFiles(dir, REPORT_FILES, { markdown: reportMarkdown(result, { dataset, plotFile: REPORT_FILES.png, generatedAt }), json: { dataset, generatedAt, ...result, models: modelsForJson(result.models) }, plot });
}

/** What a report folder holds besides its file names: the Markdown, the JSON object and the rendered figure. */
export interface ReportContent {
  markdown: string;
  json: object;
  plot: RenderedPlot;
}

/** Writes a report folder's four files into `dir` (created if missing); returns the paths written. */
export async function writeReportFiles(dir: string, names: { markdown: string; json: string; svg: string; png: string }, content: ReportContent): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [
    [names.markdown, content.markdown],
    [names.json, `${JSON.stringify(content.json, null, 2)}\n`],
    [names.svg, content.plot.svg],
    [names.png, content.plot.png],
  ] as const;
  const written: string[] = [];
  for (const [name, data] of files) {
    const path = join(dir, name);
    await writeFile(path, data);
    written.push(path);
  }
  return written;
}
