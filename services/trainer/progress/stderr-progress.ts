import { ProgressLine } from './progress-line.js';

let instance: ProgressLine | null = null;

/**
 * The process's stderr as a ProgressLine, one per process: stderr is a single terminal
 * line, so everything that prints to it while a status may show goes through this object.
 */
export function stderrProgress(): ProgressLine {
  instance ??= new ProgressLine({
    write: (text) => void process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  });
  return instance;
}
