import assert from 'node:assert/strict';
import { SeededRandom } from '../../../shared/random/index.js';
import type { FeatureRows } from './light-fm-features.js';
import { LightFmModel, WARP_MAX_SAMPLED } from './light-fm-model.js';
import type { LightFmLoss } from './light-fm-model.js';
import { buildTrainData } from './train-data.js';
import type { Csr } from './train-data.js';

/** Identity rows: entity r has feature r with weight 1. */
function identities(count: number): FeatureRows {
  return { offsets: Int32Array.from({ length: count + 1 }, (_, r) => r), indices: Int32Array.from({ length: count }, (_, r) => r), weights: new Float32Array(count).fill(1) };
}

function positivesOf(pairs: Array<[number, number]>, numUsers: number, numItems: number): Csr {
  const events = { user: Int32Array.from(pairs, (p) => p[0]), item: Int32Array.from(pairs, (p) => p[1]), timestamp: new Float64Array(pairs.length) };
  return buildTrainData(events, numUsers, numItems).byUser;
}

const DIM = 8;
const SEED = 3;

function model(loss: LightFmLoss, numUsers: number, numItems: number): LightFmModel {
  return new LightFmModel({ dim: DIM, loss, learningRate: 0.1, l2: 0 }, numUsers, numItems, new SeededRandom(SEED));
}

/** Mean hinge max(0, 1 − s_pos + s_neg) over every (positive, non-positive) pair of every user. */
function meanHinge(m: LightFmModel, users: FeatureRows, items: FeatureRows, positives: Csr): number {
  const u = m.userFactors(users);
  const v = m.itemFactors(items);
  const width = m.dim + 1;
  const numItems = items.offsets.length - 1;
  const score = (user: number, item: number): number => {
    let s = 0;
    for (let k = 0; k < width; k++) s += u[user * width + k] * v[item * width + k];
    return s;
  };
  let total = 0;
  let count = 0;
  for (let user = 0; user + 1 < positives.offsets.length; user++) {
    const own = new Set(positives.indices.subarray(positives.offsets[user], positives.offsets[user + 1]));
    for (const p of own) {
      for (let n = 0; n < numItems; n++) {
        if (own.has(n)) continue;
        total += Math.max(0, 1 - score(user, p) + score(user, n));
        count++;
      }
    }
  }
  return total / count;
}

describe('LightFmModel', () => {
  it('WARP draws negatives until one violates the margin, skipping the user\'s positives, and weighs the step by log ⌊(N − 1) / trials⌋', () => {
    // Fresh embeddings score every item near 0, so each draw violates the margin of 1; only
    // drawing one of the user's positives (items 0–3) makes WARP draw again.
    const positives = positivesOf([[0, 0], [0, 1], [0, 2], [0, 3]], 1, 5);
    const candidates = Int32Array.of(0, 1, 2, 3, 4);
    const seen = new Set<number>();
    for (let seed = 1; seed <= 12; seed++) {
      const m = new LightFmModel({ dim: DIM, loss: 'warp', learningRate: 0.1, l2: 0 }, 1, 5, new SeededRandom(seed));
      // The same stream as the model's: its initialisation draws (1 + 5) · DIM uniforms first.
      const twin = new SeededRandom(seed);
      for (let k = 0; k < 6 * DIM; k++) twin.next();
      let expected = 0;
      for (let t = 1; t <= WARP_MAX_SAMPLED && expected === 0; t++) if (twin.int(5) === 4) expected = t;
      const step = m.warpStep(identities(1), identities(5), positives, candidates, 0, 0);
      if (expected === 0) assert.deepEqual(step, { trials: WARP_MAX_SAMPLED, weight: 0 });
      else assert.deepEqual(step, { trials: expected, weight: Math.log(Math.max(1, Math.floor(4 / expected))) });
      seen.add(step.trials);
    }
    assert.ok(seen.size >= 3, `the seeds exercise several trial counts: ${[...seen].join(', ')}`);
  });

  it('WARP stops updating a pair once no sampled negative comes within the margin', () => {
    const positives = positivesOf([[0, 0]], 1, 40);
    const candidates = Int32Array.from({ length: 40 }, (_, i) => i);
    const m = model('warp', 1, 40);
    const first = m.warpStep(identities(1), identities(40), positives, candidates, 0, 0);
    assert.equal(first.trials, 1, 'untrained: the first negative violates the margin');
    assert.ok(first.weight > 3, `weight log ⌊39 / 1⌋ = ${Math.log(39)}, got ${first.weight}`);
    for (let epoch = 0; epoch < 200; epoch++) m.trainEpoch(identities(1), identities(40), positives, candidates);
    assert.deepEqual(m.warpStep(identities(1), identities(40), positives, candidates, 0, 0), { trials: WARP_MAX_SAMPLED, weight: 0 });
  });

  it('L2 as a global decay (LightFM\'s regulariser) shrinks even the items no update touches; at L2 0 it trains as the per-row L2', () => {
    const pairs: Array<[number, number]> = [[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [2, 2]];
    const positives = positivesOf(pairs, 3, 5);
    // Item 4 is never a positive nor a candidate negative: no update touches it.
    const candidates = Int32Array.of(0, 1, 2, 3);
    const norm = (m: LightFmModel): number => {
      const v = m.itemFactors(identities(5)).subarray(4 * (DIM + 1), 4 * (DIM + 1) + DIM);
      return Math.hypot(...v);
    };
    const train = (l2: number, l2Mode: 'touched' | 'decay'): LightFmModel => {
      const m = new LightFmModel({ dim: DIM, loss: 'warp', learningRate: 0.1, l2, l2Mode }, 3, 5, new SeededRandom(SEED));
      for (let epoch = 0; epoch < 5; epoch++) m.trainEpoch(identities(3), identities(5), positives, candidates);
      return m;
    };
    const initial = norm(train(0, 'touched'));
    assert.ok(initial > 0);
    assert.equal(norm(train(0.1, 'touched')), initial, 'per-row L2 leaves an untouched row alone');
    const decayed = norm(train(0.1, 'decay'));
    assert.ok(decayed < initial * 0.99, `decay shrinks it: ${initial} → ${decayed}`);
    assert.deepEqual(train(0, 'decay').itemFactors(identities(5)), train(0, 'touched').itemFactors(identities(5)));
  });

  for (const loss of ['warp', 'bpr'] as const) {
    it(`${loss} training lowers the pairwise hinge and ranks a user's unseen group item first`, () => {
      // Users 0–5 like items 0–4, users 6–11 items 5–9; user 0 lacks items 3 and 4.
      const pairs: Array<[number, number]> = [];
      for (let u = 0; u < 6; u++) for (let i = 0; i < 5; i++) if (u > 0 || i < 3) pairs.push([u, i]);
      for (let u = 6; u < 12; u++) for (let i = 5; i < 10; i++) pairs.push([u, i]);
      const positives = positivesOf(pairs, 12, 10);
      const users = identities(12);
      const items = identities(10);
      const candidates = Int32Array.from({ length: 10 }, (_, i) => i);
      const m = model(loss, 12, 10);
      const before = meanHinge(m, users, items, positives);
      for (let epoch = 0; epoch < 60; epoch++) m.trainEpoch(users, items, positives, candidates);
      const after = meanHinge(m, users, items, positives);
      assert.ok(after < before / 2, `hinge ${before} → ${after}`);
      const u = m.userFactors(users).subarray(0, DIM + 1);
      const v = m.itemFactors(items);
      const scores = Array.from({ length: 10 }, (_, i) => u.reduce((s, x, k) => s + x * v[i * (DIM + 1) + k], 0));
      const unseen = [3, 4, 5, 6, 7, 8, 9].sort((a, b) => scores[b] - scores[a]);
      assert.deepEqual(unseen.slice(0, 2).sort(), [3, 4], `scores ${scores.map((s) => s.toFixed(2)).join(' ')}`);
    });
  }
});
