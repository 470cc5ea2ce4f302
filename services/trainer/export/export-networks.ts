import { INPUT_NAMES } from '../model/index.js';
import type { Model } from '../model/index.js';
import type { Param } from '../nn/index.js';
import { BATCH_DIM, intAttribute, OnnxGraphBuilder } from './onnx-graph.js';

/** The smallest normal float32: an empty bag row divided by it keeps its zeros, as the trainer's rows do. */
const SMALLEST_NORMAL = 1.1754944e-38;

/** The three serialised networks of a bundle. */
export interface ExportedNetworks {
  readonly userNet: Uint8Array;
  readonly itemNet: Uint8Array;
  readonly rankNet: Uint8Array;
}

/** Exports UserNet, ItemNet and RankNet (inference form: no dropout) as ONNX models. */
export function exportNetworks(model: Model): ExportedNetworks {
  return { userNet: exportUserNet(model), itemNet: exportItemNet(model), rankNet: exportRankNet(model) };
}

function weights(g: OnnxGraphBuilder, model: Model, name: string): string {
  const p: Param | undefined = model.params.get(name);
  if (p === undefined) throw new Error(`model parameter ${name} is missing`);
  // Biases are stored [1, n]; Gemm's C broadcasts from [n].
  const dims = p.spec.rows === 1 && name.endsWith('.b') ? [p.spec.cols] : [p.spec.rows, p.spec.cols];
  return g.floatTensor(name, dims, p.value);
}

function denseElu(g: OnnxGraphBuilder, model: Model, x: string, prefix: string): string {
  return g.elu(g.gemm(x, weights(g, model, `${prefix}.w`), weights(g, model, `${prefix}.b`)));
}

function exportItemNet(model: Model): Uint8Array {
  const { shape } = model;
  const g = new OnnxGraphBuilder('item_net');
  const ids = g.input(INPUT_NAMES.itemId, 'int32', [BATCH_DIM]);
  const parts = [g.node('Gather', [weights(g, model, 'item.id'), ids])];
  for (const f of shape.features) {
    if (f.kind === 'categorical') {
      const x = g.input(INPUT_NAMES.itemCat(f.name), 'int32', [BATCH_DIM]);
      parts.push(g.elu(g.node('Gather', [weights(g, model, `item.cat.${f.name}`), x])));
    } else {
      const x = g.input(INPUT_NAMES.itemMulti(f.name), 'float', [BATCH_DIM, f.size]);
      parts.push(denseElu(g, model, x, `item.multi.${f.name}`));
    }
  }
  if (shape.continuousCount > 0) {
    const x = g.input(INPUT_NAMES.itemCont, 'float', [BATCH_DIM, shape.continuousCount]);
    parts.push(denseElu(g, model, x, 'item.cont'));
  }
  const h = g.concat(parts);
  g.gemm(h, weights(g, model, 'item.proj.w'), weights(g, model, 'item.proj.b'), 'e_i');
  const head = g.gemm(h, weights(g, model, 'item.bias.w'), weights(g, model, 'item.bias.b'));
  const idBias = g.node('Gather', [weights(g, model, 'item.idBias'), ids]);
  g.node('Add', [head, idBias], [], 'b_i');
  g.output('e_i', 'float', [BATCH_DIM, shape.dim]);
  g.output('b_i', 'float', [BATCH_DIM, 1]);
  return g.encode();
}

function exportUserNet(model: Model): Uint8Array {
  const { shape } = model;
  const g = new OnnxGraphBuilder('user_net');
  const n = shape.bagLength;
  const bagIds = g.input(INPUT_NAMES.userBagIds, 'int32', [BATCH_DIM, n]);
  const rawWeights = g.input(INPUT_NAMES.userBagWeights, 'float', [BATCH_DIM, n]);
  const bagWeights = decayBagWeights(g, rawWeights, n, shape.bagHalfLife ?? 0);
  const axis1 = g.int64Tensor('axis_1', [1]);
  const axis2 = g.int64Tensor('axis_2', [2]);
  const bagTable = weights(g, model, 'user.bag');
  const parts = [weightedBag(g, bagTable, bagIds, bagWeights, axis1, axis2)];
  const recent = shape.recentBagLength ?? 0;
  if (recent > 0) {
    // The bag's first `recent` positions, their weights renormalised (see `recentBag`).
    const starts = g.int64Tensor('recent_starts', [0]);
    const ends = g.int64Tensor('recent_ends', [recent]);
    const ids = g.node('Slice', [bagIds, starts, ends, axis1]);
    const raw = g.node('Slice', [rawWeights, starts, ends, axis1]);
    const total = g.node('ReduceSum', [raw, axis1], [intAttribute('keepdims', 1)]);
    const w = g.node('Div', [raw, g.node('Max', [total, g.floatTensor('recent_floor', [1], Float32Array.of(SMALLEST_NORMAL))])]);
    const table = shape.recentBagShared === true ? bagTable : weights(g, model, 'user.recent');
    parts.push(weightedBag(g, table, ids, w, axis1, axis2));
  }
  for (const f of shape.features) {
    const x = g.input(INPUT_NAMES.userDist(f.name), 'float', [BATCH_DIM, f.size]);
    parts.push(denseElu(g, model, x, `user.dist.${f.name}`));
  }
  if (shape.continuousCount > 0) {
    const x = g.input(INPUT_NAMES.userCont, 'float', [BATCH_DIM, 2 * shape.continuousCount]);
    parts.push(denseElu(g, model, x, 'user.cont'));
  }
  const h = g.concat(parts);
  g.gemm(h, weights(g, model, 'user.proj.w'), weights(g, model, 'user.proj.b'), 'e_u');
  g.gemm(h, weights(g, model, 'user.bias.w'), weights(g, model, 'user.bias.b'), 'b_u');
  g.output('e_u', 'float', [BATCH_DIM, shape.dim]);
  g.output('b_u', 'float', [BATCH_DIM, 1]);
  return g.encode();
}

/** Σ_n w[b,n] · T[ids[b,n]]: gather [B,N,d], scale by w [B,N,1], sum over N. */
function weightedBag(g: OnnxGraphBuilder, table: string, ids: string, w: string, axis1: string, axis2: string): string {
  const rows = g.node('Gather', [table, ids]);
  const w3 = g.node('Unsqueeze', [w, axis2]);
  return g.node('ReduceSum', [g.node('Mul', [rows, w3]), axis1], [intAttribute('keepdims', 0)]);
}

/** UserNet's bag recency decay (see `decayBag`): w · 2^(−n/h) / max(Σ_n w · 2^(−n/h), tiny); `weights` when h is 0. */
function decayBagWeights(g: OnnxGraphBuilder, weights: string, n: number, halfLife: number): string {
  if (halfLife === 0) return weights;
  const factor = Float32Array.from({ length: n }, (_, j) => Math.pow(2, -j / halfLife));
  const scaled = g.node('Mul', [weights, g.floatTensor('bag_decay', [n], factor)]);
  const total = g.node('ReduceSum', [scaled, g.int64Tensor('axis_1_decay', [1])], [intAttribute('keepdims', 1)]);
  // An empty bag sums to 0: dividing by the smallest normal float keeps its zeros, as the trainer does.
  const safe = g.node('Max', [total, g.floatTensor('bag_decay_floor', [1], Float32Array.of(SMALLEST_NORMAL))]);
  return g.node('Div', [scaled, safe]);
}

function exportRankNet(model: Model): Uint8Array {
  const d = model.shape.dim;
  const g = new OnnxGraphBuilder('rank_net');
  const eu = g.input('e_u', 'float', [BATCH_DIM, d]);
  const ei = g.input('e_i', 'float', [BATCH_DIM, d]);
  const bu = g.input('b_u', 'float', [BATCH_DIM, 1]);
  const bi = g.input('b_i', 'float', [BATCH_DIM, 1]);
  let x = g.concat([eu, ei]);
  for (const layer of ['rank.l1', 'rank.l2', 'rank.l3']) x = denseElu(g, model, x, layer);
  const tower = g.gemm(x, weights(g, model, 'rank.out.w'), weights(g, model, 'rank.out.b'));
  const dot = g.node('ReduceSum', [g.node('Mul', [eu, ei]), g.int64Tensor('axis_1', [1])], [intAttribute('keepdims', 1)]);
  const logit = g.node('Add', [g.node('Add', [tower, dot]), g.node('Add', [bu, bi])]);
  g.node('Sigmoid', [logit], [], 'p');
  g.output('p', 'float', [BATCH_DIM, 1]);
  return g.encode();
}
