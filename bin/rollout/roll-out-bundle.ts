// Puts a bundle on every tier in a safe order, checks it through the public API, and steps back on failure.
import { credentials } from '@grpc/grpc-js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { ModelInfo__Output } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import { checkHealth, createHealthClient } from '../demo/wait-for-serving.js';

/** Where the tiers listen and the tokens that reach them. */
export interface RolloutTargets {
  readonly ranking: string;
  readonly retrieval: readonly string[];
  readonly gateway: string;
  /** Admin (internal) token: LoadModel and GetModel. */
  readonly internalToken: string;
  /** API token with the read scope: the probe requests. */
  readonly apiToken: string;
}

/** How the new bundle is judged. */
export interface RolloutOptions {
  /** Users whose answers must name the new version, whole (not degraded) and non-empty. */
  readonly probeUsers: readonly string[];
  /** Loading a bundle (ranking warms up, a shard embeds its items) on a busy machine. */
  readonly loadDeadlineMs: number;
  /** How long the tiers may take to be SERVING and the probes to see the new version. */
  readonly settleMs: number;
  readonly log: (line: string) => void;
}

/** What happened: the version now serving, and whether it is the one asked for. */
export interface RolloutOutcome {
  readonly ok: boolean;
  readonly from: ModelInfo__Output;
  readonly serving: string;
  readonly problem?: string;
}

const POLL_MS = 250;

/**
 * Retrieval shards first, ranking last: until ranking switches, users are embedded by the old
 * UserNet and the requests name the old version, which a switched shard refuses
 * (FAILED_PRECONDITION); the gateway then serves its fallback rather than mixing versions — the
 * services' version fencing. The probe then asks the gateway; on any failure every tier loads
 * the bundle that served before, in the same order.
 */
export async function rollOutBundle(bundlePath: string, targets: RolloutTargets, options: RolloutOptions): Promise<RolloutOutcome> {
  const protos = loadProtos().grpcObject.dlrs.v1;
  const admin = { interceptors: [bearerTokenInterceptor(targets.internalToken)] };
  const ranking = new protos.Ranking(targets.ranking, credentials.createInsecure(), admin);
  const shards = targets.retrieval.map((address) => new protos.Retrieval(address, credentials.createInsecure(), admin));
  const deadline = (): { deadline: number } => ({ deadline: Date.now() + options.loadDeadlineMs });
  try {
    const from = await callUnary<ModelInfo__Output>((md, o, cb) => ranking.GetModel({}, md, o, cb), deadline());
    const loadAll = async (path: string): Promise<string> => {
      for (const [i, shard] of shards.entries()) {
        const info = await callUnary<ModelInfo__Output>((md, o, cb) => shard.LoadModel({ bundlePath: path }, md, o, cb), deadline());
        options.log(`retrieval ${i} (${targets.retrieval[i]}): ${info.modelVersion}`);
      }
      const info = await callUnary<ModelInfo__Output>((md, o, cb) => ranking.LoadModel({ bundlePath: path }, md, o, cb), deadline());
      options.log(`ranking (${targets.ranking}): ${info.modelVersion}`);
      await waitServing([targets.gateway, targets.ranking, ...targets.retrieval], options.settleMs);
      return info.modelVersion;
    };
    options.log(`serving ${from.modelVersion} (${from.bundlePath}); rolling out ${bundlePath}`);
    let version = '';
    try {
      version = await loadAll(bundlePath);
      await probe(targets, version, options);
      return { ok: true, from, serving: version };
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      options.log(`rollout of ${version || bundlePath} failed: ${problem}; rolling back to ${from.modelVersion}`);
      const back = await loadAll(from.bundlePath);
      return { ok: false, from, serving: back, problem };
    }
  } finally {
    ranking.close();
    for (const s of shards) s.close();
  }
}

async function waitServing(addresses: readonly string[], settleMs: number): Promise<void> {
  const until = Date.now() + settleMs;
  for (const address of addresses) {
    const client = createHealthClient(address);
    try {
      for (let status = await checkHealth(client); status !== 'SERVING'; status = await checkHealth(client)) {
        if (Date.now() > until) throw new Error(`${address} is ${status}, not SERVING, after ${settleMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    } finally {
      client.close();
    }
  }
}

/** Every probe user's answer must name `version`, be whole and non-empty; answers of the old version are waited out until settleMs. */
async function probe(targets: RolloutTargets, version: string, options: RolloutOptions): Promise<void> {
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(targets.gateway, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(targets.apiToken)] });
  const until = Date.now() + options.settleMs;
  try {
    for (const userId of options.probeUsers) {
      for (;;) {
        const answer = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ userId, k: 10 }, md, o, cb), { deadline: Date.now() + options.loadDeadlineMs });
        const problem =
          answer.modelVersion !== version ? `probe ${userId}: answer names ${answer.modelVersion || 'no version'}, ${version} expected`
          : answer.degraded ? `probe ${userId}: degraded (${answer.degradedDetail})`
          : answer.items.length === 0 ? `probe ${userId}: no items`
          : undefined;
        if (problem === undefined) break;
        if (Date.now() > until) throw new Error(problem);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    options.log(`probes: ${options.probeUsers.length} users answered whole by ${version}`);
  } finally {
    client.close();
  }
}
