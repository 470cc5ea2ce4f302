// Probe requests for a bundle and the answers its own networks give them: what a rollout checks the serving tiers against.
import type { BundleProbes, ProbeInteraction } from '../../../shared/bundle/index.js';
import { buildProfile, catalogItem, encodeCatalog, encodeUsers } from '../../../shared/features/index.js';
import type { FeatureSpec, ItemCatalog } from '../../../shared/features/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import { OnnxNetworks } from './onnx-networks.js';
import type { NetworkBytes } from './onnx-networks.js';

/** Enough users to catch a tier serving other weights or another catalog; few enough to send in a second. */
const PROBE_COUNT = 8;
/** Interactions per probe user. */
const PROBE_ITEMS = 3;
const PROBE_K = 10;
/** The gateway's default, sent explicitly so that the probe does not depend on it. */
const PROBE_CANDIDATES = 300;
/** Fixed times, so that a bundle's probes are the same requests whenever they are sent. */
const PROBE_EPOCH_MS = Date.UTC(2024, 0, 1);
const PROBE_SEED = 19;

/**
 * Anonymous users of a few catalog items each (a `RecommendRequest.context`) and, for each,
 * the answer the networks give as the tiers serve it (exact search, top 300 reordered by
 * RankNet, the user's own items excluded), profiles built by the shared profile learner the
 * gateway uses. Deterministic for a given catalog and networks.
 */
export async function referenceProbes(bytes: NetworkBytes, dim: number, spec: FeatureSpec, catalog: ItemCatalog): Promise<BundleProbes> {
  const n = catalog.ids.length;
  const perProbe = Math.min(PROBE_ITEMS, n, spec.bagLength);
  if (perProbe === 0) return { k: PROBE_K, candidates: PROBE_CANDIDATES, probes: [] };
  const rng = new SeededRandom(PROBE_SEED);
  const eventType = Object.keys(spec.eventWeights)[0] ?? 'click';
  const contexts = Array.from({ length: PROBE_COUNT }, () => {
    const rows = new Set<number>();
    while (rows.size < perProbe) rows.add(rng.int(n));
    return [...rows];
  });
  const interactionsOf = (rows: readonly number[]): ProbeInteraction[] => rows.map((row, t) => ({ itemId: catalog.ids[row], eventType, timestampMs: PROBE_EPOCH_MS + 1000 * t }));
  const rowOf = new Map(catalog.ids.map((id, row) => [id, row]));
  const profiles = contexts.map((rows) =>
    buildProfile(
      spec,
      interactionsOf(rows).map((e) => ({ itemId: e.itemId, eventType: e.eventType, timestamp: e.timestampMs })),
      (itemId) => catalogItem(catalog, rowOf.get(itemId) ?? -1).features,
    ),
  );
  const networks = await OnnxNetworks.open(bytes, dim);
  try {
    const items = await networks.embedCatalog(spec, encodeCatalog(spec, catalog));
    const users = await networks.embedUsers(encodeUsers(spec, profiles));
    const probes = [];
    for (const [u, rows] of contexts.entries()) {
      const ranked = await networks.rankTwoStage(users.e.subarray(u * dim, (u + 1) * dim), users.b[u], items, rows, PROBE_CANDIDATES, PROBE_K);
      probes.push({ interactions: interactionsOf(rows), answer: Array.from(ranked.rows, (row, i) => ({ itemId: catalog.ids[row], score: ranked.p[i] })) });
    }
    return { k: PROBE_K, candidates: PROBE_CANDIDATES, probes };
  } finally {
    await networks.release();
  }
}
