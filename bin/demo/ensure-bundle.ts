import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, readBundle } from '../../shared/bundle/index.js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import { describeExit, startDlrsProcess } from './child-process.js';

/** What to train. */
export interface BundleRequest {
  /** The `--data` spec, e.g. `synthetic:small`. */
  data: string;
  seed: number;
  epochs: number;
  /** Bundles are kept here, one folder per data/seed/epochs. */
  bundlesDir: string;
  signal: AbortSignal;
  /** One line per step of progress. */
  log(line: string): void;
}

/** The bundle and whether it was trained now or reused. */
export interface DemoBundle {
  bundle: ModelBundle;
  reused: boolean;
  trainMs: number;
}

/** A folder name for the data spec and settings: `synthetic-small-seed1-e3`. */
export function bundleFolderName(data: string, seed: number, epochs: number): string {
  const slug = data
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug}-seed${seed}-e${epochs}`;
}

/**
 * Reuses the bundle trained earlier for the same data, seed and epochs when it reads back
 * intact; otherwise trains one with `dlrs train` in a child process, relaying its progress
 * lines, into a temporary folder renamed into place when complete (an interrupted run leaves
 * no half bundle behind to be reused).
 */
export async function ensureBundle(request: BundleRequest): Promise<DemoBundle> {
  const dir = join(request.bundlesDir, bundleFolderName(request.data, request.seed, request.epochs));
  if (existsSync(join(dir, MANIFEST_FILE))) {
    try {
      return { bundle: await readBundle(dir), reused: true, trainMs: 0 };
    } catch (error) {
      request.log(`the bundle in ${dir} does not read back (${(error as Error).message}): training again`);
      await rm(dir, { recursive: true, force: true });
    }
  }
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const startedMs = Date.now();
  const trainer = startDlrsProcess({
    name: 'dlrs train',
    args: ['train', '--data', request.data, '--out', partial, '--seed', String(request.seed), '--epochs', String(request.epochs)],
    onLine: (line) => request.log(line),
  });
  const abort = (): void => void trainer.stop();
  request.signal.addEventListener('abort', abort, { once: true });
  try {
    const exit = await trainer.exited;
    if (request.signal.aborted) throw new Error('training was interrupted');
    if (exit.code !== 0) throw new Error(`dlrs train failed (${describeExit(exit)}); its last lines:\n${trainer.lastLines().map((line) => `    | ${line}`).join('\n')}`);
    await rename(partial, dir);
  } finally {
    request.signal.removeEventListener('abort', abort);
    await rm(partial, { recursive: true, force: true });
  }
  return { bundle: await readBundle(dir), reused: false, trainMs: Date.now() - startedMs };
}
