// Candidate and serving model scored on the same hold-out users: the paired values the gate compares.
import { encodeCatalog } from '../../../shared/features/index.js';
import type { ModelBundle } from '../../../shared/bundle/index.js';
import { evaluateRankings } from '../eval/metrics.js';
import type { Model } from '../model/index.js';
import { OnnxNetworks } from '../export/onnx-networks.js';
import { embedCatalog, rankUsers } from '../training/model-ranker.js';
import type { PreparedData } from '../training/prepare-data.js';
import { profileFeed } from '../training/profile-feed.js';
import type { GateScores } from './decision-rule.js';

/** The protocol's ranked list length (Recall@100 reads all of it). */
const LIST_LENGTH = 100;
/** Retrieval candidates RankNet reorders: the gateway's default (DEFAULT_CANDIDATES), so both models are scored as they serve. */
const GATE_CANDIDATES = 300;

/**
 * Both models rank as the gateway serves a Recommend: the top GATE_CANDIDATES by retrieval
 * (e_u·e_i), reordered by RankNet (which adds the biases b_u + b_i and the tower). Scoring the
 * retrieval stage alone would miss what a retrain on a small log learns first: a drifting
 * category's items get their biases long before their embeddings move. The serving bundle runs
 * under ONNX Runtime with its own feature spec, so items and feature values it never saw encode
 * as out-of-vocabulary, exactly as the serving tiers would treat them.
 */
export async function holdoutScores(candidate: Model, serving: ModelBundle, data: PreparedData, shown: readonly Int32Array[] = []): Promise<{ candidate: GateScores; serving: GateScores }> {
  const test = data.test;
  // The user's train items and what they were shown (see `organicHoldout`) are ranked by neither model.
  const known = (r: number): Int32Array => {
    const u = test.users[r];
    const own = data.train.items.subarray(data.train.offsets[u], data.train.offsets[u + 1]);
    const extra = shown[r];
    if (extra === undefined || extra.length === 0) return own;
    const both = new Int32Array(own.length + extra.length);
    both.set(own);
    both.set(extra, own.length);
    return both;
  };
  const items = embedCatalog(candidate, data.training.catalog, data.training.catalogSize);
  const feed = profileFeed(data.spec, data.encoded, data.train, test.users);
  const candidateLists = rankUsers(candidate, items, feed, test.users.length, known, { mode: 'two-stage', candidates: GATE_CANDIDATES, k: LIST_LENGTH });
  const servingLists = await servingRankings(serving, data, known);
  const pick = (lists: Int32Array[]): GateScores => {
    const m = evaluateRankings(lists, test);
    return { 'map@10': m['map@10'], 'recall@100': m['recall@100'] };
  };
  return { candidate: pick(candidateLists), serving: pick(servingLists) };
}

async function servingRankings(bundle: ModelBundle, data: PreparedData, known: (r: number) => Int32Array): Promise<Int32Array[]> {
  const spec = bundle.manifest.featureSpec;
  const networks = await OnnxNetworks.open(bundle, bundle.manifest.dim);
  try {
    const encoded = encodeCatalog(spec, data.dataset.items);
    const items = await networks.embedCatalog(spec, encoded);
    const users = data.test.users;
    const d = bundle.manifest.dim;
    const user = await networks.embedUsers(profileFeed(spec, encoded, data.train, users));
    const lists: Int32Array[] = [];
    for (let r = 0; r < users.length; r++) {
      lists.push((await networks.rankTwoStage(user.e.subarray(r * d, (r + 1) * d), user.b[r], items, known(r), GATE_CANDIDATES, LIST_LENGTH)).rows);
    }
    return lists;
  } finally {
    await networks.release();
  }
}
