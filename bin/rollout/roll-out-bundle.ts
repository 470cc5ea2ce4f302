// Puts a bundle on every tier in a safe order, checks it through the public API, and steps back on failure.
import { credentials } from '@grpc/grpc-js';
import { readBundle } from '../../shared/bundle/index.js';
import type { BundleProbes } from '../../shared/bundle/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { ModelInfo__Output } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import { checkHealth, createHealthClient } from '../demo/wait-for-serving.js';
import { compareProbeAnswer } from './compare-probe-answer.js';
import type { ProbeTolerance } from './compare-probe-answer.js';

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
  /** How close the answers to the bundle's probes (`probes.json`) must be to its reference answers. */
  readonly tolerance: ProbeTolerance;
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
 * services' version fencing. The probes then ask the gateway: the probe users, and the
 * bundle's own probe requests, whose answers must be close to the reference answers the
 * bundle's networks gave them at export. On any failure every tier loads the bundle that
 * served before, in the same order. The bundle is read (and verified) before any tier is asked.
 */
export async function rollOutBundle(bundlePath: string, targets: RolloutTargets, options: RolloutOptions): Promise<RolloutOutcome> {
  const protos = loadProtos().grpcObject.dlrs.v1;
  const admin = { interceptors: [bearerTokenInterceptor(targets.internalToken)] };
  const ranking = new protos.Ranking(targets.ranking, credentials.createInsecure(), admin);
  const shards = targets.retrieval.map((address) => new protos.Retrieval(address, credentials.createInsecure(), admin));
  const deadline = (): { deadline: number } => ({ deadline: Date.now() + options.loadDeadlineMs });
  try {
    const probes = (await readBundle(bundlePath)).probes;
    if (probes === undefined) options.log(`${bundlePath} has no probes.json: answers are not compared with reference answers`);
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
      await probe(targets, version, probes, options);
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

/** One probe: its request and what is wrong with an answer to it (undefined when nothing). */
interface ProbeCheck {
  readonly name: string;
  readonly request: RecommendRequest;
  readonly problem: (answer: RecommendResponse__Output) => string | undefined;
}

/**
 * Every probe's answer must name `version`, be whole and, for a probe user, non-empty or, for
 * a bundle probe, close to its reference answer. A failing answer is asked again until
 * settleMs (old versions and caches are waited out); then it fails the rollout.
 */
async function probe(targets: RolloutTargets, version: string, probes: BundleProbes | undefined, options: RolloutOptions): Promise<void> {
  const whole = (name: string, answer: RecommendResponse__Output): string | undefined =>
    answer.modelVersion !== version ? `probe ${name}: answer names ${answer.modelVersion || 'no version'}, ${version} expected`
    : answer.degraded ? `probe ${name}: degraded (${answer.degradedDetail})`
    : undefined;
  const checks: ProbeCheck[] = [
    ...options.probeUsers.map((userId): ProbeCheck => ({
      name: userId,
      request: { userId, k: 10 },
      problem: (answer) => whole(userId, answer) ?? (answer.items.length === 0 ? `probe ${userId}: no items` : undefined),
    })),
    ...(probes?.probes ?? []).map((p, i): ProbeCheck => {
      const name = `probes.json[${i}]`;
      return {
        name,
        request: { context: { interactions: p.interactions.map((e) => ({ ...e })) }, k: probes?.k, candidates: probes?.candidates },
        problem: (answer) => {
          const mismatch = compareProbeAnswer(p.answer, answer.items.map((item) => ({ itemId: item.itemId, score: item.score })), options.tolerance);
          return whole(name, answer) ?? (mismatch === undefined ? undefined : `probe ${name}: ${mismatch}`);
        },
      };
    }),
  ];
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(targets.gateway, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(targets.apiToken)] });
  const until = Date.now() + options.settleMs;
  try {
    for (const check of checks) {
      for (;;) {
        const answer = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(check.request, md, o, cb), { deadline: Date.now() + options.loadDeadlineMs });
        const problem = check.problem(answer);
        if (problem === undefined) break;
        if (Date.now() > until) throw new Error(problem);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
    options.log(`probes: ${options.probeUsers.length} users answered whole by ${version}, ${probes?.probes.length ?? 0} bundle probes within the reference answers`);
  } finally {
    client.close();
  }
}
