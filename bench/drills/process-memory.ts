import { readFile } from 'node:fs/promises';

/** Resident set size of process `pid` in bytes (Linux /proc), undefined when it is gone. */
export async function rssBytes(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** The largest RSS seen per process name while sampling. */
export interface RssSampler {
  /** Stops sampling; resolves with the peak per name (bytes). */
  stop(): Promise<Map<string, number>>;
}

/** Reads the RSS of every `pids()` entry every `intervalMs` until stopped, keeping each one's peak. */
export function sampleRss(pids: () => ReadonlyMap<string, number | undefined>, intervalMs: number): RssSampler {
  const peaks = new Map<string, number>();
  let sampling = Promise.resolve();
  const sample = (): void => {
    sampling = sampling.then(async () => {
      for (const [name, pid] of pids()) {
        const rss = await rssBytes(pid);
        if (rss !== undefined) peaks.set(name, Math.max(peaks.get(name) ?? 0, rss));
      }
    });
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      sample();
      await sampling;
      return peaks;
    },
  };
}

/** RSS of every process now (bytes). */
export async function rssNow(pids: ReadonlyMap<string, number | undefined>): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const [name, pid] of pids) {
    const rss = await rssBytes(pid);
    if (rss !== undefined) sizes.set(name, rss);
  }
  return sizes;
}

/** `123 MiB`. */
export function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : `${Math.round(bytes / 2 ** 20)} MiB`;
}
