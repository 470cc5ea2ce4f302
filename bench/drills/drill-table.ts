import type { DrillResult } from './drill-result.js';

/** Widths of the text table's columns: drill, done, expected, happened, verdict (an 160-column terminal). */
const COLUMN_CHARS = [16, 34, 34, 60, 7];

/** PASS, FAIL or SKIPPED (a drill that could not run here, which is not a pass). */
export function verdict(result: DrillResult): string {
  if (result.skipped !== undefined) return 'SKIPPED';
  return result.failures.length === 0 ? 'PASS' : 'FAIL';
}

function happenedLines(result: DrillResult): string[] {
  return [...result.happened, ...(result.skipped === undefined ? [] : [`SKIPPED: ${result.skipped}`]), ...result.failures.map((failure) => `FAILED: ${failure}`)];
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.length === 0 ? [''] : lines;
}

/** The summary as a plain-text table, one row per drill, cells wrapped to their column. */
export function drillTable(results: readonly DrillResult[]): string[] {
  const headers = ['drill', 'what was done', 'what was expected', 'what happened', 'result'];
  const render = (cells: string[][]): string[] => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, i) => cells.map((c, column) => (c[i] ?? '').padEnd(COLUMN_CHARS[column])).join(' | ').trimEnd());
  };
  const rule = COLUMN_CHARS.map((w) => '-'.repeat(w)).join('-+-');
  const lines = [...render(headers.map((h) => [h])), rule];
  for (const result of results) {
    const happened = happenedLines(result).flatMap((line) => wrapText(line, COLUMN_CHARS[3]));
    lines.push(...render([wrapText(result.drill, COLUMN_CHARS[0]), wrapText(result.done, COLUMN_CHARS[1]), wrapText(result.expected, COLUMN_CHARS[2]), happened, [verdict(result)]]), rule);
  }
  return lines;
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The same summary as a Markdown document. */
export function drillMarkdown(results: readonly DrillResult[], context: string[]): string {
  const rows = results.map((r) => `| ${[r.drill, r.done, r.expected, happenedLines(r).join('<br>'), `**${verdict(r)}**`].map(markdownCell).join(' | ')} |`);
  return ['# dlrs drills', '', ...context.map((line) => `- ${line}`), '', '| drill | what was done | what was expected | what happened | result |', '| --- | --- | --- | --- | --- |', ...rows, ''].join('\n');
}
