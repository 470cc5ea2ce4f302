import { initUniform, LayoutBuilder } from '../nn/index.js';
import type { Param, ParamLayout } from '../nn/index.js';
import type { SeededRandom } from '../../../shared/random/index.js';
import { continuousWidth, featureWidth } from './model-shape.js';
import type { ModelShape } from './model-shape.js';

/** Initial scale of embedding-table rows: small, so early dot products stay near zero. */
const TABLE_INIT_STD = 0.05;

/** Declares every parameter of UserNet, ItemNet and RankNet for a shape. */
export function buildModelLayout(shape: ModelShape): ParamLayout {
  const b = new LayoutBuilder();
  const d = shape.dim;
  const dense = (name: string, inDim: number, outDim: number): void => {
    b.add(`${name}.w`, inDim, outDim);
    b.add(`${name}.b`, 1, outDim);
  };
  let itemConcat = d;
  let userConcat = d;
  const recent = (shape.recentBagLength ?? 0) > 0;
  if (recent) userConcat += d;
  for (const f of shape.features) {
    const w = featureWidth(f.size, shape);
    if (f.kind === 'categorical') b.add(`item.cat.${f.name}`, f.size, w, true);
    else dense(`item.multi.${f.name}`, f.size, w);
    dense(`user.dist.${f.name}`, f.size, w);
    itemConcat += w;
    userConcat += w;
  }
  if (shape.continuousCount > 0) {
    dense('item.cont', shape.continuousCount, continuousWidth(shape.continuousCount, shape));
    dense('user.cont', 2 * shape.continuousCount, continuousWidth(2 * shape.continuousCount, shape));
    itemConcat += continuousWidth(shape.continuousCount, shape);
    userConcat += continuousWidth(2 * shape.continuousCount, shape);
  }
  dense('item.proj', itemConcat, d);
  dense('item.bias', itemConcat, 1);
  dense('user.proj', userConcat, d);
  dense('user.bias', userConcat, 1);
  b.add('item.id', shape.itemIdCount, d, true);
  b.add('item.idBias', shape.itemIdCount, 1, true);
  b.add('user.bag', shape.itemIdCount, d, true);
  if (recent && shape.recentBagShared !== true) b.add('user.recent', shape.itemIdCount, d, true);
  const [h1, h2, h3] = rankWidths(d);
  dense('rank.l1', 2 * d, h1);
  dense('rank.l2', h1, h2);
  dense('rank.l3', h2, h3);
  dense('rank.out', h3, 1);
  return b.layout();
}

/** RankNet's hidden widths: d, d/2, d/4 (at least 1). */
export function rankWidths(dim: number): [number, number, number] {
  return [dim, Math.max(1, dim >> 1), Math.max(1, dim >> 2)];
}

/**
 * Glorot init for weights, zero biases, small normal rows for tables. RankNet's output
 * weights start at zero, so an untrained tower adds nothing to e_u·e_i + b_u + b_i.
 */
export function initModelParams(params: Map<string, Param>, rng: SeededRandom): void {
  for (const [name, p] of params) {
    if (p.spec.sparse) {
      if (name.endsWith('idBias')) continue;
      for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal() * TABLE_INIT_STD;
    } else if (name.endsWith('.w') && name !== 'rank.out.w') initUniform(p, p.spec.rows, p.spec.cols, () => rng.next());
  }
}
