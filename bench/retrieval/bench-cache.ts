import { access, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';

/** Where built indexes, ground truth and snapshots are kept between runs (git-ignored). */
export const CACHE_DIR = '.data/bench-retrieval';

/** The cache path of an artefact. */
export async function cachePath(name: string): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  return join(CACHE_DIR, name);
}

/** Whether a path exists. */
export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Writes an artefact through `write(tmpPath)`, then moves it into place, so an interrupted run leaves no half file in the cache. */
export async function storeInCache(path: string, write: (tmpPath: string) => Promise<void> | void): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await write(tmp);
  await rename(tmp, path);
}

/** The 1-minute load average, printed beside every timing. */
export function load(): string {
  return `load ${loadavg()[0].toFixed(2)}`;
}

/** Prints progress of a long phase at most every `everyMs`. */
export function progress(log: (line: string) => void, label: string, total: number, everyMs = 10_000): (done: number) => void {
  const started = performance.now();
  let lastMs = started;
  return (done) => {
    const now = performance.now();
    if (now - lastMs < everyMs && done < total) return;
    lastMs = now;
    const seconds = (now - started) / 1000;
    const eta = done > 0 ? (seconds * (total - done)) / done : Number.NaN;
    log(`  … ${label}: ${done}/${total} (${seconds.toFixed(0)} s, ~${eta.toFixed(0)} s left, ${load()})`);
  };
}
