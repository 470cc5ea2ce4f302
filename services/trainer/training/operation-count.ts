import type { Model } from '../model/index.js';

/** Forward + backward multiply-adds of the towers for `users` and `items` rows (≈ 3 × forward). */
export function towerMacs(model: Model, users: number, items: number): number {
  let userPerRow = model.shape.bagLength * model.shape.dim;
  let itemPerRow = model.shape.dim;
  for (const spec of model.layout.params) {
    if (spec.sparse || !spec.name.endsWith('.w')) continue;
    if (spec.name.startsWith('user.')) userPerRow += spec.rows * spec.cols;
    else if (spec.name.startsWith('item.')) itemPerRow += spec.rows * spec.cols;
  }
  return 3 * (users * userPerRow + items * itemPerRow);
}

/** RankNet's forward multiply-adds per pair: its weight matrices plus the dot product. */
export function rankForwardMacs(model: Model): number {
  let macs = model.shape.dim;
  for (const spec of model.layout.params) if (spec.name.startsWith('rank.') && spec.name.endsWith('.w')) macs += spec.rows * spec.cols;
  return macs;
}
