// Candidate and serving model scored on the same hold-out users: the paired values the gate compares.
import * as ort from 'onnxruntime-node';
import { encodeCatalog, encodeEncodedItems } from '../../../shared/features/index.js';
import type { TensorMap } from '../../../shared/features/index.js';
import type { ModelBundle } from '../../../shared/bundle/index.js';
import { evaluateRankings } from '../eval/metrics.js';
import { topK } from '../eval/top-k.js';
import type { Model } from '../model/index.js';
import { matmulTransBAcc } from '../nn/index.js';
import { embedCatalog, rankUsers } from '../training/model-ranker.js';
import type { PreparedData } from '../training/prepare-data.js';
import { profileFeed } from '../training/profile-feed.js';
import type { GateScores } from './decision-rule.js';

/** The protocol's ranked list length (Recall@100 reads all of it). */
const LIST_LENGTH = 100;
/** Retrieval candidates RankNet reorders: the gateway's default (DEFAULT_CANDIDATES), so both models are scored as they serve. */
const GATE_CANDIDATES = 300;
/** Catalog rows per ItemNet run: bounds the feed's memory on large catalogs. */
const ITEM_CHUNK_ROWS = 2048;

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
  const d = bundle.manifest.dim;
  const encoded = encodeCatalog(spec, data.dataset.items);
  const [userNet, itemNet, rankNet] = await Promise.all([bundle.userNet, bundle.itemNet, bundle.rankNet].map((bytes) => ort.InferenceSession.create(bytes)));
  try {
    const n = encoded.count;
    const e = new Float32Array(n * d);
    const b = new Float32Array(n);
    for (let from = 0; from < n; from += ITEM_CHUNK_ROWS) {
      const rows = Int32Array.from({ length: Math.min(ITEM_CHUNK_ROWS, n - from) }, (_, i) => from + i);
      const out = await outputs(itemNet, encodeEncodedItems(spec, encoded, rows), ['e_i', 'b_i']);
      e.set(out[0], from * d);
      b.set(out[1], from);
    }
    const users = data.test.users;
    const [eU, bU] = await outputs(userNet, profileFeed(spec, encoded, data.train, users), ['e_u', 'b_u']);
    const lists: Int32Array[] = [];
    const scores = new Float32Array(n);
    for (let r = 0; r < users.length; r++) {
      const eu = eU.subarray(r * d, (r + 1) * d);
      scores.fill(0);
      matmulTransBAcc(eu, e, scores, 1, d, n);
      for (const row of known(r)) scores[row] = -Infinity;
      const candidates = topK(scores, GATE_CANDIDATES).filter((row) => scores[row] !== -Infinity);
      const c = candidates.length;
      const feed: TensorMap = {
        e_u: { type: 'float32', data: new Float32Array(c * d).map((_, k) => eu[k % d]), dims: [c, d] },
        e_i: { type: 'float32', data: Float32Array.from({ length: c * d }, (_, k) => e[candidates[Math.floor(k / d)] * d + (k % d)]), dims: [c, d] },
        b_u: { type: 'float32', data: new Float32Array(c).fill(bU[r]), dims: [c, 1] },
        b_i: { type: 'float32', data: Float32Array.from(candidates, (row) => b[row]), dims: [c, 1] },
      };
      const [p] = await outputs(rankNet, feed, ['p']);
      const order = Array.from(candidates.keys()).sort((x, y) => p[y] - p[x] || x - y);
      lists.push(Int32Array.from(order.slice(0, LIST_LENGTH), (i) => candidates[i]));
    }
    return lists;
  } finally {
    await Promise.all([userNet.release(), itemNet.release(), rankNet.release()]);
  }
}

async function outputs(session: ort.InferenceSession, tensors: TensorMap, names: readonly string[]): Promise<Float32Array[]> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputNames) {
    const t = tensors[input];
    if (t === undefined) throw new Error(`serving model input '${input}' is not produced by the feature encoder`);
    feeds[input] = new ort.Tensor(t.type, t.data, t.dims);
  }
  const results = await session.run(feeds);
  return names.map((name) => {
    const result = results[name];
    if (result === undefined || !(result.data instanceof Float32Array)) throw new Error(`serving model returned no float32 '${name}'`);
    return result.data;
  });
}
