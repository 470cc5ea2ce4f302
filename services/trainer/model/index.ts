export { ItemNet } from './item-net.js';
export type { TowerCache, TowerOutput } from './item-net.js';
export { bindModel, createModel } from './model.js';
export type { Model } from './model.js';
export { buildModelLayout, rankWidths } from './model-params.js';
export {
  continuousWidth,
  floatInput,
  gatherFeed,
  INPUT_NAMES,
  intInput,
  isIdInput,
  itemInputWidths,
  userInputWidths,
  modelShape,
} from './model-shape.js';
export type { FeatureShape, ModelShape } from './model-shape.js';
export { RankNet } from './rank-net.js';
export type { RankInputGrads, RankOutput } from './rank-net.js';
export { randomFeed } from './random-feed.js';
export { UserNet } from './user-net.js';
