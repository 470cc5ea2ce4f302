// Warm start of a retrain: the candidate begins from the serving bundle's weights wherever its vocabularies allow.
import type { FeatureSpec } from '../../../shared/features/index.js';
import type { Model } from '../model/index.js';
import type { BundleWeight } from './bundle-weights.js';

/** What `warmStart` did, per parameter: the report `dlrs retrain` prints. */
export interface WarmStartReport {
  /** Parameters copied whole from the serving bundle. */
  readonly copied: readonly string[];
  /** Row-indexed tables whose known rows were copied; the others (new items, new values) kept their fresh init. */
  readonly rowMapped: readonly { readonly name: string; readonly known: number; readonly fresh: number }[];
  /** Parameters left at their fresh init: absent from the bundle or of another shape. */
  readonly fresh: readonly string[];
}

/**
 * Copies the serving weights into a freshly initialised `model` whose spec is `candidate`
 * (built by `extendFeatureSpec` from `serving`): tables indexed by item id (`item.id`,
 * `item.idBias`, `user.bag`) or by a feature's value (`item.cat.F`, `item.multi.F.w`,
 * `user.dist.F.w`) take the serving row of the same id or value, other parameters are copied
 * when their shape is unchanged. Rows of new items and new values keep the model's own
 * initialisation; so does a parameter whose shape changed (a feature's embedding width grows
 * with log2 of its vocabulary, which changes its layers and the projections after them).
 */
export function warmStart(model: Model, candidate: FeatureSpec, serving: FeatureSpec, weights: ReadonlyMap<string, BundleWeight>): WarmStartReport {
  const copied: string[] = [];
  const rowMapped: { name: string; known: number; fresh: number }[] = [];
  const fresh: string[] = [];
  const vocabulary = (spec: FeatureSpec, name: string): readonly string[] | undefined => {
    const f = spec.features.find((x) => x.name === name);
    return f === undefined || f.kind === 'continuous' ? undefined : f.vocabulary;
  };
  for (const [name, p] of model.params) {
    const w = weights.get(name);
    const cols = p.spec.cols;
    if (w === undefined || w.data.length % cols !== 0 || (w.dims.length > 1 && w.dims[w.dims.length - 1] !== cols)) {
      fresh.push(name);
      continue;
    }
    const keys = rowKeys(name, (f) => [vocabulary(candidate, f), vocabulary(serving, f)], [candidate.itemIds, serving.itemIds]);
    if (keys === undefined) {
      if (w.data.length === p.value.length) {
        p.value.set(w.data);
        copied.push(name);
      } else fresh.push(name);
      continue;
    }
    const [mine, theirs] = keys;
    if (theirs.length !== w.data.length / cols || mine.length !== p.spec.rows) {
      fresh.push(name);
      continue;
    }
    const source = new Map(theirs.map((k, r) => [k, r]));
    let known = 0;
    mine.forEach((k, r) => {
      const from = source.get(k);
      if (from === undefined) return;
      p.value.set(w.data.subarray(from * cols, (from + 1) * cols), r * cols);
      known++;
    });
    rowMapped.push({ name, known, fresh: mine.length - known });
  }
  return { copied, rowMapped, fresh };
}

/** The row keys (candidate's, serving's) of a parameter indexed by item id or feature value; undefined for the others. */
function rowKeys(
  name: string,
  vocab: (feature: string) => [readonly string[] | undefined, readonly string[] | undefined],
  itemIds: [readonly string[], readonly string[]],
): [readonly string[], readonly string[]] | undefined {
  if (name === 'item.id' || name === 'item.idBias' || name === 'user.bag') return itemIds;
  const match = /^(?:item\.cat\.(.+)|item\.multi\.(.+)\.w|user\.dist\.(.+)\.w)$/.exec(name);
  if (match === null) return undefined;
  const [mine, theirs] = vocab(match[1] ?? match[2] ?? match[3]);
  return mine === undefined || theirs === undefined ? undefined : [mine, theirs];
}

/** One line for the retrain's output. */
export function formatWarmStart(report: WarmStartReport): string {
  const rows = report.rowMapped.map((r) => `${r.name} ${r.known} known + ${r.fresh} new rows`).join(', ');
  return `warm start: ${report.copied.length} parameters copied, ${rows}${report.fresh.length > 0 ? `; fresh (new or reshaped): ${report.fresh.join(', ')}` : ''}`;
}
