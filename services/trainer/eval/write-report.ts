// Writes a report folder: report.md, report.json and the MAP@k figure as SVG and PNG.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAP_CUTOFFS } from './metrics.js';
import { renderMapPlot } from './map-plot.js';
import { modelsForJson } from './report-format.js';
import { reportMarkdown } from './report-markdown.js';
import type { EvaluationResult } from './run-evaluation.js';

/** File names inside a report folder. */
export const REPORT_FILES = { markdown: 'report.md', json: 'report.json', svg: 'map-at-k.svg', png: 'map-at-k.png' } as const;

/** Writes the report of `result` on `dataset` into `dir` (created if missing); returns the paths written. */
export async function writeReport(dir: string, dataset: string, result: EvaluationResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const splitName = result.split === 'user' ? 'per-user temporal split' : 'global temporal split';
  const plot = await renderMapPlot(`MAP@k on ${dataset} (${splitName})`, result.models.map((m) => ({ model: m.name, values: MAP_CUTOFFS.map((k) => m.metrics[`map@${k}`].mean) })));
  const generatedAt = new Date().toISOString();
  const json = {
    dataset,
    generatedAt,
    ...result,
    models: modelsForJson(result.models),
  };
  const files = [
    [REPORT_FILES.markdown, reportMarkdown(result, { dataset, plotFile: REPORT_FILES.png, generatedAt })],
    [REPORT_FILES.json, `${JSON.stringify(json, null, 2)}\n`],
    [REPORT_FILES.svg, plot.svg],
    [REPORT_FILES.png, plot.png],
  ] as const;
  const written: string[] = [];
  for (const [name, content] of files) {
    const path = join(dir, name);
    await writeFile(path, content);
    written.push(path);
  }
  return written;
}
