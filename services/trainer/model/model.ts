import { allocateBuffers, bindParams, freshKernelMemory } from '../nn/index.js';
import { SeededRandom } from '../../../shared/random/index.js';
import type { Param, ParamBuffers, ParamLayout } from '../nn/index.js';
import { ItemNet } from './item-net.js';
import { buildModelLayout, initModelParams } from './model-params.js';
import type { ModelShape } from './model-shape.js';
import { RankNet } from './rank-net.js';
import { UserNet } from './user-net.js';

/** The three networks over one set of parameter buffers. */
export interface Model {
  readonly shape: ModelShape;
  readonly layout: ParamLayout;
  readonly buffers: ParamBuffers;
  readonly params: Map<string, Param>;
  readonly user: UserNet;
  readonly item: ItemNet;
  readonly rank: RankNet;
}

/** Binds the networks to existing buffers (e.g. a worker's view of shared weights). */
export function bindModel(shape: ModelShape, layout: ParamLayout, buffers: ParamBuffers): Model {
  const params = bindParams(layout, buffers);
  return {
    shape,
    layout,
    buffers,
    params,
    user: new UserNet(shape, params),
    item: new ItemNet(shape, params),
    rank: new RankNet(shape.dim, params),
  };
}

/**
 * A freshly initialised model; `shared` puts weights in SharedArrayBuffers for workers. Its
 * buffers get a kernel memory of their own, which this thread's kernels then run on and which
 * is freed with the model (see freshKernelMemory).
 */
export function createModel(shape: ModelShape, seed: number, shared = false): Model {
  const layout = buildModelLayout(shape);
  freshKernelMemory();
  const model = bindModel(shape, layout, allocateBuffers(layout, shared));
  initModelParams(model.params, new SeededRandom(seed));
  return model;
}
