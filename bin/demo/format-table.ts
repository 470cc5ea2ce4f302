/** Text wider than this is cut with an ellipsis, so a row fits an 80-column terminal. */
const MAX_CELL_CHARS = 48;

/** `text` cut to at most `maxChars` characters, the last one an ellipsis when cut. */
export function fitText(text: string, maxChars = MAX_CELL_CHARS): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/**
 * A plain-text table: a header row, a rule, then the rows, each line indented by `indent`.
 * Columns listed in `rightAligned` (by index) are right-aligned (numbers), the others left.
 */
export function formatTable(headers: string[], rows: string[][], options: { indent?: string; rightAligned?: number[] } = {}): string[] {
  const cells = [headers, ...rows].map((row) => row.map((cell) => fitText(cell)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const right = new Set(options.rightAligned ?? []);
  const line = (row: string[]): string =>
    `${options.indent ?? ''}${row.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ')}`.trimEnd();
  return [line(cells[0]), `${options.indent ?? ''}${widths.map((width) => '-'.repeat(width)).join('  ')}`, ...cells.slice(1).map(line)];
}
