import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { provisionTokens } from './provision-tokens.js';
import { describeExit, startDlrsProcess } from './child-process.js';
import type { DlrsProcess } from './child-process.js';
import { waitForPort, waitForServing } from './wait-for-serving.js';

/** The demo serves on loopback only: nothing leaves the machine. */
export const DEMO_HOST = '127.0.0.1';
/** Two shards show the gateway's fan-out and merge. */
export const SHARD_COUNT = 2;
/**
 * A shard embeds and indexes its half of the catalog before it serves, and ranking warms its
 * sessions up; on a loaded 2-core machine either may take tens of seconds.
 */
const STARTUP_TIMEOUT_MS = 90_000;
/** The services drain for at most this long on SIGTERM: the demo's calls are over by then. */
const SHUTDOWN_TIMEOUT_MS = 2000;
/**
 * One onnxruntime worker: on 2 cores, the shards and the gateway need the other one, and a
 * second worker only adds start-up time to a demo.
 */
const RANKING_WORKERS = 1;
/** Calls the gateway answers after this long are too late for the demo's readers too; the burst passes its own deadline. */
const GATEWAY_DEFAULT_TIMEOUT_MS = 2000;

/** A started service of the demo. */
export interface DemoService {
  process: DlrsProcess;
  address: string;
  logFile: string;
  /** Time from spawn to SERVING. */
  startMs: number;
}

/** The running services: the gateway's address is the one clients use. */
export interface DemoCluster {
  gateway: DemoService;
  /** The API token the demo's clients present (scopes read, write, admin); the files are in runDir. */
  apiToken: string;
  services: DemoService[];
  /** Stops every process (SIGTERM, then SIGKILL after a grace period); resolves with one line per process. */
  stop(): Promise<string[]>;
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  bundleDir: string;
  /** Holds the shards' and the gateway's data folders, every service's log file and the tokens. */
  runDir: string;
  signal: AbortSignal;
  /** Called as each service reports SERVING. */
  onServing(service: DemoService): void;
}

/** Settings every service shares: the deploy contract's DLRS_* names; each binds a port the kernel chooses. */
function commonEnv(): Record<string, string> {
  return { DLRS_HOST: DEMO_HOST, DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), DLRS_LOG_LEVEL: 'info' };
}

/** The gateway's settings beside the common ones: where its tiers and its data are. */
function gatewayEnv(rankingAddress: string, shardAddresses: string[], dataDir: string): Record<string, string> {
  return {
    ...commonEnv(),
    DLRS_RANKING_ADDRESS: rankingAddress,
    DLRS_RETRIEVAL_ADDRESSES: shardAddresses.join(','),
    DLRS_DATA_DIR: dataDir,
    DLRS_DEFAULT_TIMEOUT_MS: String(GATEWAY_DEFAULT_TIMEOUT_MS),
  };
}

/**
 * Starts two retrieval shards and ranking side by side, then the gateway pointing at them,
 * each as `dlrs serve ...` on a loopback port the kernel chooses (read from its log), and waits
 * until each is SERVING. On any failure (or abort) the processes already started are stopped
 * before the error is thrown.
 */
export async function startCluster(options: ClusterOptions): Promise<DemoCluster> {
  const { bundleDir, runDir } = options;
  const started: DemoService[] = [];
  const stop = async (): Promise<string[]> => {
    // The gateway first, so that it never sees its tiers disappear under a call.
    const [gateway, tiers] = [started.filter((s) => s.process.name === 'gateway'), started.filter((s) => s.process.name !== 'gateway')];
    const lines: string[] = [];
    for (const group of [gateway, tiers]) {
      const exits = await Promise.all(group.map((s) => s.process.stop()));
      group.forEach((s, i) => lines.push(`${s.process.name.padEnd(13)} stopped (${describeExit(exits[i])})`));
    }
    return lines;
  };
  /** Starts a service and resolves once it is SERVING. */
  const launch = async (name: string, args: string[], env: Record<string, string>): Promise<DemoService> => {
    const spawnedMs = Date.now();
    const logFile = join(runDir, `${name.replace(/[^a-z0-9]+/g, '-')}.log`);
    const process = startDlrsProcess({ name, args, env, logFile });
    const service: DemoService = { process, address: '', logFile, startMs: 0 };
    started.push(service);
    const waiting = { timeoutMs: STARTUP_TIMEOUT_MS, signal: options.signal };
    service.address = `${DEMO_HOST}:${await waitForPort(process, waiting)}`;
    await waitForServing(process, service.address, waiting);
    service.startMs = Date.now() - spawnedMs;
    options.onServing(service);
    return service;
  };
  try {
    // Closed by default, like a deployment: the gateway asks for API tokens, the tiers' admin methods for the internal token.
    const tokens = await provisionTokens(runDir);
    const [ranking, ...shards] = await Promise.all([
      launch('ranking', ['serve', 'ranking', '--bundle', bundleDir], { ...commonEnv(), ...tokens.tierEnv, DLRS_WORKERS: String(RANKING_WORKERS) }),
      ...Array.from({ length: SHARD_COUNT }, async (_, index) => {
        const dataDir = join(runDir, `retrieval-${index}`);
        await mkdir(dataDir, { recursive: true });
        return launch(`retrieval ${index}/${SHARD_COUNT}`, ['serve', 'retrieval', '--bundle', bundleDir, '--shard', `${index}/${SHARD_COUNT}`, '--data-dir', dataDir], { ...commonEnv(), ...tokens.tierEnv });
      }),
    ]);
    const gatewayDir = join(runDir, 'gateway');
    await mkdir(gatewayDir, { recursive: true });
    const gateway = await launch(
      'gateway',
      ['serve', 'gateway', '--bundle', bundleDir],
      {
        ...gatewayEnv(
          ranking.address,
          shards.map((s) => s.address),
          gatewayDir,
        ),
        ...tokens.gatewayEnv,
      },
    );
    return { gateway, apiToken: tokens.apiToken, services: started, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
