// `dlrs eval --split a,b`: each split's evaluation in a process of its own, all at once, their lines relayed with the split's name.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stderrProgress } from './progress/index.js';

/**
 * The command line entry: bin/dlrs.js from the sources (it registers tsx), the compiled
 * dist/bin/cli.js otherwise (dist holds no dlrs.js).
 */
const CLI_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../bin/dlrs.js' : '../../bin/cli.js', import.meta.url));

/**
 * Niceness of every split after the first: the first (the longest, `make eval`'s main report)
 * keeps the cores whenever it can use them, and the others fill the time it leaves a core idle.
 */
export const LATER_SPLIT_NICENESS = 10;

/**
 * Runs `dlrs eval ARGV --split S` for every S of `splits` as concurrent child processes and
 * returns the first non-zero exit code (0 when all succeed). Each split alone leaves a core
 * idle for much of its run (single-threaded baselines, validation and scoring between the deep
 * model's two-thread steps), so running them together fills it; every figure is the one the
 * split gives alone, as each process computes exactly what it would by itself. A child's
 * stdout and stderr lines are relayed as they come, prefixed `[split]`; its status lines are
 * the plain, throttled ones of a non-terminal stream.
 */
export async function runSplitsConcurrently(splits: readonly string[], argv: readonly string[]): Promise<number> {
  const rest = withoutSplit(argv);
  const codes = await Promise.all(splits.map((split, k) => runChild(split, ['eval', ...rest, '--split', split], k === 0 ? 0 : LATER_SPLIT_NICENESS)));
  return codes.find((code) => code !== 0) ?? 0;
}

/** `argv` without its `--split` option (`--split X` or `--split=X`). */
export function withoutSplit(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === '--split') k++;
    else if (!argv[k].startsWith('--split=')) out.push(argv[k]);
  }
  return out;
}

function runChild(split: string, args: readonly string[], niceness: number): Promise<number> {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Linux nice is per thread: set on the main thread at once, it passes to the worker threads the child starts later.
  try {
    if (niceness > 0 && child.pid !== undefined) setPriority(child.pid, niceness);
  } catch {
    // The child ended already (its exit code tells why); there is nothing left to lower.
  }
  const relay = (stream: NodeJS.ReadableStream, write: (line: string) => void): Promise<void> =>
    new Promise((resolve) => createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => write(`[${split}] ${line}`)).on('close', resolve));
  const relayed = Promise.all([
    relay(child.stdout, (line) => {
      stderrProgress().clear();
      console.log(line);
    }),
    relay(child.stderr, (line) => stderrProgress().line(line)),
  ]);
  const exited = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      stderrProgress().line(`[${split}] dlrs eval: ${error.message}`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
  return relayed.then(() => exited);
}
