// A real Prometheus (Debian's `prometheus`) started with deploy/prometheus/static.yml over
// file targets the test names, and its HTTP query API, for the observability checks.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const STATIC_CONFIG = fileURLToPath(new URL('../../deploy/prometheus/static.yml', import.meta.url));
/** Shortened from static.yml's 15 s so that a test sees several scrapes within seconds. */
const TEST_SCRAPE_INTERVAL = '1s';
/** How often poll() retries: a scrape a second makes finer polling pointless. */
const POLL_INTERVAL_MS = 200;
/** Long enough for a dozen scrapes: a series missing after that is not coming. */
const SETTLE_WAIT_MS = 15_000;

/** One sample of an instant query's vector. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A file_sd target group, as in deploy/prometheus/targets/*.json. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** An instant query through /api/v1/query; fails the test on a PromQL error. */
  query(expr: string): Promise<Sample[]>;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** True when `name --version` runs. */
export function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Retries `attempt` until it returns a value; connection errors count as "not yet". */
export async function poll<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      // Prometheus is still starting: connection refused until it listens.
      if (!(error instanceof TypeError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Polls `expr` until it returns at least one sample. */
export function pollNonEmpty(prometheus: PrometheusServer, expr: string): Promise<Sample[]> {
  return poll(async () => {
    const result = await prometheus.query(expr);
    return result.length > 0 ? result : undefined;
  });
}

/**
 * Re-reads `read` until `done` holds or `waitMs` has passed and returns the last reading,
 * so that a test asserts on what it saw last and names what is missing.
 */
export async function settle<T>(read: () => Promise<T>, done: (value: T) => boolean, waitMs = SETTLE_WAIT_MS): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= giveUpAt) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * The TCP port a process listens on, read from /proc: Prometheus binds port 0 and logs no
 * bound port, and picking a free port first would race other processes for it.
 */
function listeningPort(pid: number): number | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? ''];
      } catch {
        return []; // closed while listed
      }
    }));
  } catch {
    return undefined; // not started yet, or gone
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) return parseInt(cols[1]?.split(':')[1] ?? '', 16);
  }
  return undefined;
}

/**
 * Starts Prometheus with deploy/prometheus/static.yml (scrape interval shortened) and
 * `groups` as its file targets, and resolves once it is ready.
 */
export async function startPrometheus(groups: TargetGroup[]): Promise<PrometheusServer> {
  const work = mkdtempSync(join(tmpdir(), 'dlrs-prometheus-'));
  const config = parse(readFileSync(STATIC_CONFIG, 'utf8')) as { global: { scrape_interval: string } };
  config.global.scrape_interval = TEST_SCRAPE_INTERVAL;
  writeFileSync(join(work, 'static.yml'), stringify(config));
  mkdirSync(join(work, 'targets'));
  writeFileSync(join(work, 'targets/test.json'), JSON.stringify(groups));
  const child: ChildProcess = spawn('prometheus', [`--config.file=${join(work, 'static.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, '--web.listen-address=127.0.0.1:0', '--log.level=warn'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  };
  let webPort = 0;
  try {
    await poll(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
      webPort ||= listeningPort(child.pid ?? 0) ?? 0;
      if (webPort === 0) return undefined;
      return (await fetch(`http://127.0.0.1:${webPort}/-/ready`)).ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const api = `http://127.0.0.1:${webPort}/api/v1/query?query=`;
  return {
    async query(expr) {
      const response = await fetch(api + encodeURIComponent(expr));
      const body = (await response.json()) as { status: string; error?: string; data?: { result: Sample[] } };
      assert.equal(body.status, 'success', `${expr}: ${body.error ?? ''}`);
      return body.data?.result ?? [];
    },
    stop,
  };
}
