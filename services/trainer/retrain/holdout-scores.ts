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
/** Catalog rows per ItemNet run: bounds the feed's memory on large catalogs. */
const ITEM_CHUNK_ROWS = 2048;

/**
 * Both models rank by retrieval (e_u·e_i), the stage whose vocabulary a retrain changes; the
 * serving bundle runs under ONNX Runtime with its own feature spec, so items and feature values
 * it never saw encode as out-of-vocabulary, exactly as the serving tiers would treat them.
 */
export async function holdoutScores(candidate: Model, serving: ModelBundle, data: PreparedData): Promise<{ candidate: GateScores; serving: GateScores }> {
  const test = data.test;
  const known = (r: number): Int32Array => {
    const u = test.users[r];
    return data.train.items.subarray(data.train.offsets[u], data.train.offsets[u + 1]);
  };
  const items = embedCatalog(candidate, data.training.catalog, data.training.catalogSize);
  const feed = profileFeed(data.spec, data.encoded, data.train, test.users);
  const candidateLists = rankUsers(candidate, items, feed, test.users.length, known, { mode: 'retrieval', candidates: LIST_LENGTH, k: LIST_LENGTH });
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
  const [userNet, itemNet] = await Promise.all([ort.InferenceSession.create(bundle.userNet), ort.InferenceSession.create(bundle.itemNet)]);
  try {
    const n = encoded.count;
    const e = new Float32Array(n * d);
    for (let from = 0; from < n; from += ITEM_CHUNK_ROWS) {
      const rows = Int32Array.from({ length: Math.min(ITEM_CHUNK_ROWS, n - from) }, (_, i) => from + i);
      e.set(await output(itemNet, encodeEncodedItems(spec, encoded, rows), 'e_i'), from * d);
    }
    const users = data.test.users;
    const eU = await output(userNet, profileFeed(spec, encoded, data.train, users), 'e_u');
    const out: Int32Array[] = [];
    const scores = new Float32Array(n);
    for (let r = 0; r < users.length; r++) {
      scores.fill(0);
      matmulTransBAcc(eU.subarray(r * d, (r + 1) * d), e, scores, 1, d, n);
      for (const row of known(r)) scores[row] = -Infinity;
      out.push(topK(scores, LIST_LENGTH));
    }
    return out;
  } finally {
    await Promise.all([userNet.release(), itemNet.release()]);
  }
}

async function output(session: ort.InferenceSession, tensors: TensorMap, name: string): Promise<Float32Array> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputNames) {
    const t = tensors[input];
    if (t === undefined) throw new Error(`serving model input '${input}' is not produced by the feature encoder`);
    feeds[input] = new ort.Tensor(t.type, t.data, t.dims);
  }
  const result = (await session.run(feeds))[name];
  if (result === undefined || !(result.data instanceof Float32Array)) throw new Error(`serving model returned no float32 '${name}'`);
  return result.data;
}
