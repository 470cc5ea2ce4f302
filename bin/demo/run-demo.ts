import { mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import { loadDemoCatalog } from './demo-catalog.js';
import type { UserHistory } from './demo-catalog.js';
import { startCluster } from './demo-cluster.js';
import type { DemoCluster } from './demo-cluster.js';
import { DEMO_USAGE, parseDemoOptions } from './demo-options.js';
import type { DemoOptions } from './demo-options.js';
import { ensureBundle } from './ensure-bundle.js';
import { runBurst } from './latency-burst.js';
import { runLiveSession } from './live-session.js';
import { recommenderClient, recordHistories } from './recommender-calls.js';
import { showSimilarItems } from './show-similar-items.js';
import { showRecommendations } from './show-recommendations.js';

/** Recent events recorded per user: half the profile's bag of 20, a visible taste. */
const HISTORY_LENGTH = 10;
/** Users whose histories are recorded: the burst spreads its calls over them. */
const RECORDED_USERS = 200;
/** The gateway's default candidate depth; `make bench-scale` uses the same. */
const BURST_CANDIDATES = 300;
/** Exit code of a run stopped by Ctrl-C, as shells report 128 + SIGINT. */
const INTERRUPTED_EXIT_CODE = 130;

const print = (line: string): void => console.log(line);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** A path relative to the working folder when it is inside it, absolute otherwise. */
const shortPath = (path: string): string => (relative('.', path).startsWith('..') ? resolve(path) : relative('.', path));

/** `count` users spread evenly over the list (deterministic, not just the first ids). */
function spread<T>(list: T[], count: number): T[] {
  if (list.length <= count) return list;
  return Array.from({ length: count }, (_, i) => list[Math.floor((i * list.length) / count)]);
}

/** The demo's steps; the cluster, once started, is handed to `state` so the caller can stop it whatever happens. */
async function demo(options: DemoOptions, signal: AbortSignal, state: { cluster?: DemoCluster; client?: RecommenderClient }): Promise<void> {
  const startedMs = Date.now();
  print(`dlrs demo: ${options.data}, seed ${options.seed}, ${options.epochs} epoch(s); work folder ${options.workDir}`);

  print('\n[1/6] model bundle');
  const bundlesDir = join(options.workDir, 'bundles');
  await mkdir(bundlesDir, { recursive: true });
  const { bundle, reused, trainMs } = await ensureBundle({ ...options, bundlesDir, signal, log: (line) => print(`    ${line}`) });
  const { manifest } = bundle;
  print(
    reused
      ? `  reusing the bundle trained before for ${options.data} (seed ${options.seed}, ${options.epochs} epochs): ${bundle.dir}, model_version ${manifest.modelVersion}; no training`
      : `  trained ${bundle.dir}, model_version ${manifest.modelVersion}, in ${seconds(trainMs)}`,
  );
  const catalog = await loadDemoCatalog(bundle, options.data, HISTORY_LENGTH);
  print(`  catalog: ${bundle.items.length} items, ${catalog.categories.length} values of '${catalog.categoryFeature ?? 'none'}'; ${catalog.histories.length} users with ≥ ${HISTORY_LENGTH} events`);
  signal.throwIfAborted();

  print('\n[2/6] services (each `dlrs serve ...` in its own process, SERVING per grpc.health.v1)');
  const runDir = join(options.workDir, 'run');
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  state.cluster = await startCluster({
    bundleDir: bundle.dir,
    runDir,
    signal,
    onServing: (s) => print(`  ${s.process.name.padEnd(13)} pid ${String(s.process.pid).padEnd(7)} ${s.address.padEnd(16)} SERVING after ${seconds(s.startMs)}   log ${shortPath(s.logFile)}`),
  });
  const client = recommenderClient(state.cluster.gateway.address, state.cluster.apiToken);
  state.client = client;
  print(`  API tokens in ${shortPath(join(runDir, 'api-tokens'))}: every call sends authorization: Bearer <token>`);

  print(`\n[3/6] recommendations (Recommend by user id, after recording the users' histories)`);
  const recorded = spread(catalog.histories, RECORDED_USERS);
  if (recorded.length < options.users + 1) throw new Error(`${options.data} has ${recorded.length} users with ≥ ${HISTORY_LENGTH} events; the demo needs ${options.users + 1}`);
  const recordStartMs = performance.now();
  const { accepted, duplicates } = await recordHistories(client, recorded);
  print(`  RecordInteractions: the last ${HISTORY_LENGTH} events of ${recorded.length} users: ${accepted} accepted, ${duplicates} duplicates (${(performance.now() - recordStartMs).toFixed(0)} ms)`);
  const shown = spread(recorded.slice(0, -1), options.users);
  await showRecommendations(client, catalog, shown, print);
  signal.throwIfAborted();
  print(`\n  more like this (SimilarItems: the nearest items by ItemNet embedding, the title itself excluded)`);
  await showSimilarItems(client, catalog, print);
  signal.throwIfAborted();

  print('\n[4/6] live session (Session: events in, fresh recommendations pushed back after each)');
  const sessionUser: UserHistory = recorded[recorded.length - 1];
  await runLiveSession(client, catalog, sessionUser, print);
  signal.throwIfAborted();

  print(`\n[5/6] latency burst (${options.burstRequests} Recommend calls, concurrency ${options.burstConcurrency}, k 10, ${BURST_CANDIDATES} candidates, at most ${options.burstMaxSeconds} s)`);
  const burst = await runBurst(client, {
    userIds: recorded.map((user) => user.userId),
    requests: options.burstRequests,
    concurrency: options.burstConcurrency,
    maxDurationMs: options.burstMaxSeconds * 1000,
    candidates: BURST_CANDIDATES,
    signal,
  });
  print(
    `  latency p50 ${burst.p50Ms.toFixed(1)} ms, p90 ${burst.p90Ms.toFixed(1)} ms, p99 ${burst.p99Ms.toFixed(1)} ms; throughput ${burst.requestsPerSecond.toFixed(0)} req/s ` +
      `(${burst.completed} answered in ${seconds(burst.wallMs)}, ${burst.degraded} degraded, ${burst.errors} errors)`,
  );
  if (burst.firstError !== undefined) print(`  first error: ${burst.firstError}`);
  signal.throwIfAborted();

  print('\n[6/6] shutdown (SIGTERM, SIGKILL after 5 s)');
  client.close();
  state.client = undefined;
  const cluster = state.cluster;
  state.cluster = undefined;
  for (const line of await cluster.stop()) print(`  ${line}`);
  print(`\ndone in ${seconds(Date.now() - startedMs)}; the services' logs are in ${shortPath(runDir)}`);
}

/**
 * `dlrs demo`: trains (or reuses) a bundle, runs the four services as child processes, shows
 * recommendations, a live session and a latency burst, and stops the services on success,
 * on error and on Ctrl-C. Resolves with the exit code: 0 ok, 1 failure, 2 usage, 130 interrupted.
 */
export async function runDemo(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseDemoOptions(argv);
  } catch (error) {
    console.error(`dlrs demo: ${(error as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(DEMO_USAGE);
    return 0;
  }
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second Ctrl-C: no more waiting; the exit hook kills what is left.
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    print(`\n${signal}: stopping the demo and its services (again to force)`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const state: { cluster?: DemoCluster; client?: RecommenderClient } = {};
  try {
    await demo(options, controller.signal, state);
    return 0;
  } catch (error) {
    if (controller.signal.aborted) return INTERRUPTED_EXIT_CODE;
    console.error(`\ndlrs demo failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    state.client?.close();
    if (state.cluster !== undefined) {
      print('stopping the services');
      for (const line of await state.cluster.stop()) print(`  ${line}`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
