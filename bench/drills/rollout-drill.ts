import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { ModelInfo__Output } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import { answerKind, countsOf, startAnswerProbe } from './answer-probe.js';
import type { ProbeAnswer } from './answer-probe.js';
import { deadServices, pause } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { describeLoad, failedCalls, inFlightCapFor, runPhase } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';

const LOAD_MS = 14_000;
const SWITCH_AT_MS = 2000;
const PROBE_INTERVAL_MS = 50;
/** Users whose answers are checked item by item against each version's reference answers. */
const CHECKED_USERS = 20;
/** Reference answers list this many items, so that a probe's top 10 (even from one shard) is mostly among them. */
const REFERENCE_K = 100;
/** Loading a bundle (ranking warms its sessions up, a shard embeds its items) on a busy machine. */
const LOAD_MODEL_DEADLINE_MS = 120_000;
/** A similarity of the same version agrees to float32 rounding; another version's is far off. */
const SIMILARITY_TOLERANCE = 1e-3;
/** Once every service has switched, answers must be of the new version after at most this. */
const SETTLE_MS = 1000;
/** Probe answers looked at after the settling time. */
const AFTER_SETTLE_MS = 2000;

/** A reference answer is asked for again when degraded, at most this many times in all. */
const REFERENCE_ATTEMPTS = 5;
const REFERENCE_RETRY_PAUSE_MS = 200;

type Reference = Map<string, Map<string, number>>;

/** Every checked user's reference answer: item id → similarity, from whole answers of `version`. */
async function referenceAnswers(address: string, apiToken: string, requests: readonly RecommendRequest[], version: string, deadlineMs: number): Promise<Reference> {
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(address, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(apiToken)] });
  try {
    const reference: Reference = new Map();
    for (const request of requests) {
      // A busy machine degrades an answer now and then: asked again, up to a few times.
      let answer: RecommendResponse__Output | undefined;
      for (let attempt = 0; attempt < REFERENCE_ATTEMPTS && (answer === undefined || answer.degraded || answer.modelVersion !== version); attempt++) {
        if (attempt > 0) await pause(REFERENCE_RETRY_PAUSE_MS);
        answer = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend({ ...request, k: REFERENCE_K }, md, o, cb), { deadline: Date.now() + deadlineMs });
      }
      if (answer === undefined || answer.degraded || answer.modelVersion !== version) {
        throw new Error(`reference answer for ${request.userId}: version ${answer?.modelVersion}, degraded ${answer?.degradedDetail || 'no'}; ${version} whole expected`);
      }
      reference.set(request.userId ?? '', new Map(answer.items.map((item) => [item.itemId, item.similarity])));
    }
    return reference;
  } finally {
    client.close();
  }
}

/** Items of `answer` checked against its version's reference; a mismatch is an answer mixing versions. */
function checkAgainst(answer: ProbeAnswer, references: ReadonlyMap<string, Reference>): { checked: number; mismatched: number } {
  const response = answer.response;
  const reference = response === undefined ? undefined : references.get(response.modelVersion)?.get(answer.request.userId ?? '');
  if (response === undefined || reference === undefined || response.degradedReasons.includes('POPULAR_FALLBACK')) return { checked: 0, mismatched: 0 };
  let checked = 0;
  let mismatched = 0;
  for (const item of response.items) {
    const expected = reference.get(item.itemId);
    if (expected === undefined) continue;
    checked++;
    if (Math.abs(item.similarity - expected) > SIMILARITY_TOLERANCE * Math.max(1, Math.abs(expected))) mismatched++;
  }
  return { checked, mismatched };
}

/**
 * A second model version rolled out under load with the services' LoadModel (ranking and every
 * shard, each loading in the background and switching atomically): no call fails, and no answer
 * mixes versions: each answer's items carry the similarities of the version it names.
 */
export async function rolloutDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, topology, bundles } = context;
  const [from, to] = [bundles.current.manifest.modelVersion, bundles.next.manifest.modelVersion];
  const rps = context.faultLoadShare * capacityRps;
  const record = new DrillRecord(
    'model rollout',
    `open loop at ${context.faultLoadShare}x capacity (${Math.round(rps)}/s); at ${SWITCH_AT_MS / 1000} s LoadModel(${to}) on ranking and every shard at once (serving ${from}); ${LOAD_MS / 1000} s in all`,
    `no call fails; every answer names ${from} or ${to} (or none, with POPULAR_FALLBACK) and its items' similarities are that version's (reference answers of each version); ${to} whole answers once every service has switched`,
  );
  const address = topology.gatewayAddress;
  const checkedRequests = context.requests.slice(0, CHECKED_USERS);
  const references = new Map<string, Reference>([[from, await referenceAnswers(address, topology.apiToken, checkedRequests, from, deadlineMs)]]);
  const probe = startAnswerProbe(address, checkedRequests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: topology.apiToken });
  const load = runPhase({ address, metadata: topology.gatewayMetadata, messages: context.requests, rps, concurrency: inFlightCapFor(rps, deadlineMs), durationMs: LOAD_MS, timeoutMs: deadlineMs });
  await pause(SWITCH_AT_MS);
  const startedMs = performance.now();
  const protos = loadProtos().grpcObject.dlrs.v1;
  // LoadModel is an admin method: the operator presents the internal token.
  const admin = { interceptors: [bearerTokenInterceptor(topology.internalToken)] };
  const tiers = [
    { name: 'ranking', client: new protos.Ranking(topology.service('ranking').address, credentials.createInsecure(), admin) },
    ...Array.from({ length: context.shardCount }, (_, i) => ({ name: `retrieval ${i}`, client: new protos.Retrieval(topology.service(`retrieval ${i}`).address, credentials.createInsecure(), admin) })),
  ];
  const switched = await Promise.all(
    tiers.map(async ({ name, client }) => {
      try {
        const info = await callUnary<ModelInfo__Output>((md, o, cb) => client.LoadModel({ bundlePath: bundles.next.dir }, md, o, cb), { deadline: Date.now() + LOAD_MODEL_DEADLINE_MS });
        return { name, version: info.modelVersion, ms: performance.now() - startedMs };
      } finally {
        client.close();
      }
    }),
  );
  const allSwitchedMs = performance.now();
  record.note(`switched: ${switched.map((s) => `${s.name} ${(s.ms / 1000).toFixed(1)} s`).join(', ')}`);
  const during = await load;
  // The probe goes on until the new version has had time to settle, however long the switch took.
  await pause(Math.max(0, allSwitchedMs + SETTLE_MS + AFTER_SETTLE_MS - performance.now()));
  const probed = await probe.stop();
  record.note(`load: ${describeLoad(during)}`);
  references.set(to, await referenceAnswers(address, topology.apiToken, checkedRequests, to, deadlineMs));

  const versions = countsOf(probed.map((a) => (a.response === undefined ? a.status : a.response.modelVersion || '(none)')));
  record.note(`probe: ${probed.length} calls: ${countsOf(probed.map(answerKind))}; versions ${versions}`);
  let checked = 0;
  let mismatched = 0;
  for (const answer of probed) {
    const result = checkAgainst(answer, references);
    checked += result.checked;
    mismatched += result.mismatched;
  }
  const items = probed.reduce((sum, a) => sum + (a.response?.degradedReasons.includes('POPULAR_FALLBACK') === false ? a.response.items.length : 0), 0);
  record.note(`items checked against their version's reference: ${checked} of ${items}, ${mismatched} mismatched`);
  record.check(
    switched.every((s) => s.version === to),
    `LoadModel answered ${switched.map((s) => `${s.name} ${s.version}`).join(', ')}`,
  );
  record.check(failedCalls(during) === 0, `${failedCalls(during)} of ${during.calls} calls failed`);
  record.check(
    probed.every((a) => a.status === 'OK'),
    `probe calls failed: ${countsOf(probed.filter((a) => a.status !== 'OK').map((a) => a.status))}`,
  );
  const strays = probed.filter((a) => a.response !== undefined && ![from, to].includes(a.response.modelVersion) && !(a.response.modelVersion === '' && a.response.degradedReasons.includes('POPULAR_FALLBACK')));
  record.check(strays.length === 0, `${strays.length} answers named another version or none without POPULAR_FALLBACK`);
  record.check(mismatched === 0, `${mismatched} items carried another version's similarity`);
  record.check(checked >= items / 2, `only ${checked} of ${items} items could be checked against a reference`);
  const late = probed.filter((a) => a.sentMs > allSwitchedMs + SETTLE_MS);
  record.check(late.length > 0 && late.every((a) => a.response?.modelVersion === to && !a.response.degraded), `after the switch: ${countsOf(late.map((a) => `${a.response?.modelVersion ?? a.status} ${answerKind(a)}`))}`);
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
