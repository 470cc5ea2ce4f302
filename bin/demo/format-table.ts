/** Text wider than this is cut with an ellipsis, so a row fits an 80-column terminal. */
const MAX_CELL_CHARS = 48;

function fit(cell: string): string {
  return cell.length > MAX_CELL_CHARS ? `${cell.slice(0, MAX_CELL_CHARS - 1)}…` : cell;
}

/**
 * A plain-text table: a header row, a rule, then the rows, each line indented by `indent`.
 * Columns listed in `rightAligned` (by index) are right-aligned (numbers), the others left.
 */
export function formatTable(headers: string[], rows: string[][], options: { indent?: string; rightAligned?: number[] } = {}): string[] {
  const cells = [headers, ...rows].map((row) => row.map(fit));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const right = new Set(options.rightAligned ?? []);
  const line = (row: string[]): string =>
    `${options.indent ?? ''}${row.map((cell, column) => (right.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ')}`.trimEnd();
  return [line(cells[0]), `${options.indent ?? ''}${widths.map((width) => '-'.repeat(width)).join('  ')}`, ...cells.slice(1).map(line)];
}
