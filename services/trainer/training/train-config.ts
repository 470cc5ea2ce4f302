import { DEFAULT_BAG_LENGTH } from '../../../shared/features/index.js';
/** Training objectives: the thesis' BCE + cosine term, or retrieval softmax + RankNet. */
export type Objective = 'thesis' | 'softmax';
/** Negative samplers of the thesis objective: uniform, or Algorithm 1 (the positive's category). */
export type NegativeSampler = 'uniform' | 'category';

/** Which items the softmax's extra candidates are drawn from (see candidateWeights). */
export type CandidatePool = 'catalog' | 'train';

/** How the learning rate evolves over a run. */
export type LrSchedule = 'constant' | 'linear';

/** Where the linear schedule ends, as a share of `lr`: not 0, so the last steps still learn. */
export const LINEAR_LR_FLOOR = 0.05;

/** Every training setting; `resolveTrainConfig` fills defaults and validates. */
export interface TrainConfig {
  readonly objective: Objective;
  readonly dim: number;
  readonly epochs: number;
  /** Weight of the cosine similarity term (thesis eq. 4.10); 0 = BCE only. */
  readonly lambda: number;
  /** Negatives per positive: sampled negatives (thesis) / RankNet's draws per row (softmax). */
  readonly negRatio: number;
  readonly negSampler: NegativeSampler;
  readonly batch: number;
  readonly lr: number;
  /**
   * 'constant', or 'linear': the rate falls linearly over the run's `epochs` epochs to
   * LINEAR_LR_FLOOR × lr, so that the last epoch's weights are an average-like, low-noise
   * iterate rather than one sample of the constant-rate epoch-to-epoch jitter.
   */
  readonly lrSchedule: LrSchedule;
  readonly seed: number;
  readonly workers: number;
  /** Extra popularity-sampled softmax candidates per batch besides the in-batch targets; 0 with `fullSoftmax`. */
  readonly sampledCandidates: number;
  /** 'catalog': the extra candidates are drawn among all items; 'train': among the items with training events. */
  readonly candidatePool: CandidatePool;
  /**
   * Weight of the log-Q correction of the sampled softmax: 1 estimates the full softmax; below
   * 1 popular candidates stay over-represented as negatives, so the towers learn to rank
   * less popular items higher.
   */
  readonly logQWeight: number;
  /** Softmax over the whole catalog instead of sampled candidates. */
  readonly fullSoftmax: boolean;
  /**
   * How far ahead of its history a training target may lie, as a share of the history's
   * length (0 = next item; 0.25 = as far as the protocol's held-out 20 %; see buildTrainingData).
   */
  readonly horizon: number;
  /**
   * Share of training examples whose history is cut at the start of the target's session,
   * so that the model also learns to serve users returning after a gap (see buildTrainingData).
   */
  readonly sessionCut: number;
  /**
   * Each example's target is drawn among the k items after its history (1 = the next item), so
   * training also predicts a few items ahead, as the protocol's held-out part lies (see buildTrainingData).
   */
  readonly targetWindow: number;
  /** N, the length of the recent-item bag (the feature spec's bagLength). */
  readonly bagLength: number;
  /**
   * Recency half-life of the bag in positions: UserNet (and its exported graph) scales the
   * weight of position n (0 = most recent) by 2^(−n / h) and renormalises; 0 = no decay.
   */
  readonly bagHalfLife: number;
  /**
   * n > 0 adds a second bag to UserNet over the n most recent items, with a table of its own,
   * so the immediate context is weighted apart from the decayed bag; 0 = none.
   */
  readonly recentBagLength: number;
  /** The second bag shares the first bag's item table instead of having its own. */
  readonly recentBagShared: boolean;
  /** Probability of dropping each history item from the bag in training (input dropout). */
  readonly historyDropout: number;
  /**
   * Probability of replacing a training item's id by the out-of-vocabulary id in ItemNet's
   * input, so that its features alone learn to place it (the cold-start items case); 0 = off.
   */
  readonly itemIdDropout: number;
  /** Multiplies the width of every item and user feature layer (⌈log2 V⌉ by default): more room for what features say. */
  readonly featureWidthScale: number;
  /**
   * Catalog features the model leaves out of its feature spec, comma-separated (e.g. 'tags',
   * which new items do not have when they are created); '' = every catalog feature.
   */
  readonly excludedFeatures: string;
  /**
   * n > 0 adds the words of item titles as a multi-valued feature (`title_words`, see
   * withTitleWords): the n most frequent words carried by at least 2 titles; 0 = none.
   */
  readonly titleWords: number;
  /**
   * n > 0 adds, for every continuous item feature c (MovieLens: the release year), a
   * categorical feature `c_bin` of its n quantile bins over the catalog (see withContinuousBins); 0 = none.
   */
  readonly continuousBins: number;
  readonly rankDropout: number;
  /** Weight of RankNet's BCE in the softmax objective. */
  readonly rankWeight: number;
  /**
   * Softmax objective: RankNet's loss trains its tower and the biases but does not flow
   * into e_u and e_i, which the retrieval softmax alone shapes.
   */
  readonly rankDetach: boolean;
  /**
   * Softmax objective: RankNet's negatives — 'sampled' (listwise against uniform draws from
   * the log-Q-corrected candidate set) or 'hard' (BCE against the towers' top-scored items).
   */
  readonly rankNegatives: 'sampled' | 'hard';
  /** Epochs without a better validation MAP@10 before stopping. */
  readonly patience: number;
  /** Retrieval candidates RankNet re-ranks in validation (two-stage, as served). */
  readonly candidates: number;
}

/** Defaults: tuned on ml-latest-small validation (docs/experiments.md). */
export const TRAIN_DEFAULTS: TrainConfig = {
  objective: 'softmax',
  // d = 32: on ml-latest-small validation as good as 64 (0.0825 vs 0.0811) at 2.4x fewer FLOPs.
  dim: 32,
  epochs: 20,
  // The thesis' best setting.
  lambda: 0.5,
  // 2 for softmax (RankNet's draws; 4 was no better and slower, docs/experiments.md);
  // the thesis objective defaults to its paper's 4 (NEG_RATIO_THESIS).
  negRatio: 2,
  negSampler: 'uniform',
  batch: 1024,
  // 0.01 reached the validation peak in half the epochs of 0.005 at the same MAP@10.
  lr: 0.01,
  // Linear decay: under nested validation (docs/experiments.md E14) the refit's last epoch
  // scored 0.0839 against 0.0825 for the constant rate, on a smooth rising curve instead of
  // the constant rate's ±0.004 epoch-to-epoch jitter that the refit's fixed epoch count lands on.
  lrSchedule: 'linear',
  seed: 1,
  workers: 2,
  sampledCandidates: 256,
  candidatePool: 'catalog',
  // 1.5 with targetWindow 3: validation MAP@10 0.0906, 0.0911, 0.0911 on three seeds against 0.0866,
  // 0.0872, 0.0895 for 1.25 with next-item targets (docs/experiments.md E67–E72; 1.5 alone +0.0020).
  // Over 0.5 … 2 without the window (E22–E30) a stronger popularity prior mostly helped returning users.
  logQWeight: 1.5,
  // A full softmax over ~10k items costs ~4 MFLOP per example; sampled is 5x cheaper.
  fullSoftmax: false,
  horizon: 0,
  sessionCut: 0,
  // 3 with logQWeight 1.5 (above). Alone, windows of 2 and 3 were ahead on two validation seeds of three
  // (mean +1.6 %, +1.8 %), 5 and 10 behind (docs/experiments.md E58–E66).
  targetWindow: 3,
  // 20: a bag of 50 was no better on validation (docs/experiments.md E9, E16).
  bagLength: DEFAULT_BAG_LENGTH,
  // 5: validation MAP@10 over seeds 42, 1, 2 was 0.0866, 0.0872, 0.0895 against 0.0852, 0.0856, 0.0831
  // without decay (docs/experiments.md E37–E45); longer bags (50, 100) with slower decay were no better.
  bagHalfLife: 5,
  // Off: a second bag over the last 1 or 3 items lost 17 % and 9 % of validation MAP@10 with a
  // table of its own, 2 % (3 items) on the first bag's table (docs/experiments.md E53–E55).
  recentBagLength: 0,
  recentBagShared: false,
  // 0.3 kept the validation MAP@10 flatter after its peak than 0.1 (docs/experiments.md).
  historyDropout: 0.3,
  // Off: on the cold-start items split (docs/experiments.md, "Cold-start items and seeds") it is a
  // diagnostic, not tuned on validation.
  itemIdDropout: 0,
  featureWidthScale: 1,
  excludedFeatures: '',
  titleWords: 0,
  continuousBins: 0,
  rankDropout: 0.2,
  rankWeight: 1,
  rankDetach: true,
  rankNegatives: 'sampled',
  patience: 3,
  // C = 100: the evaluation's smaller two-stage setting.
  candidates: 100,
};

/** The thesis objective's default negatives per positive (its paper's setting). */
export const NEG_RATIO_THESIS = 4;

/** Fills defaults and checks ranges; the error quotes the key, the value and what is allowed. */
export function resolveTrainConfig(partial: Partial<TrainConfig>): TrainConfig {
  const negRatio = partial.negRatio ?? (partial.objective === 'thesis' ? NEG_RATIO_THESIS : TRAIN_DEFAULTS.negRatio);
  const c: TrainConfig = { ...TRAIN_DEFAULTS, ...partial, negRatio };
  const check = (key: keyof TrainConfig, ok: boolean, allowed: string): void => {
    if (!ok) throw new Error(`training option ${key}=${JSON.stringify(c[key])}: expected ${allowed}`);
  };
  const int = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  check('objective', c.objective === 'thesis' || c.objective === 'softmax', "'thesis' or 'softmax'");
  check('lrSchedule', c.lrSchedule === 'constant' || c.lrSchedule === 'linear', "'constant' or 'linear'");
  check('rankNegatives', c.rankNegatives === 'sampled' || c.rankNegatives === 'hard', "'sampled' or 'hard'");
  check('negSampler', c.negSampler === 'uniform' || c.negSampler === 'category', "'uniform' or 'category'");
  check('dim', int(c.dim, 4) && c.dim % 4 === 0, 'a multiple of 4, at least 4');
  check('epochs', int(c.epochs, 1), 'an integer >= 1');
  check('lambda', c.lambda >= 0 && Number.isFinite(c.lambda), 'a number >= 0');
  check('negRatio', int(c.negRatio, 1), 'an integer >= 1');
  check('batch', int(c.batch, 2), 'an integer >= 2');
  check('lr', c.lr > 0 && c.lr < 1, 'a number in (0, 1)');
  check('seed', int(c.seed, 0), 'an integer >= 0');
  check('workers', int(c.workers, 1) && c.workers <= 16, 'an integer in [1, 16]');
  check('sampledCandidates', int(c.sampledCandidates, 0), 'an integer >= 0');
  check('candidatePool', c.candidatePool === 'catalog' || c.candidatePool === 'train', "'catalog' or 'train'");
  check('logQWeight', c.logQWeight >= 0 && Number.isFinite(c.logQWeight), 'a number >= 0');
  check('horizon', c.horizon >= 0 && Number.isFinite(c.horizon), 'a number >= 0');
  check('sessionCut', c.sessionCut >= 0 && c.sessionCut <= 1, 'a number in [0, 1]');
  check('targetWindow', int(c.targetWindow, 1) && (c.targetWindow === 1 || c.horizon === 0), 'an integer >= 1, and 1 when horizon is set');
  check('bagLength', int(c.bagLength, 1), 'an integer >= 1');
  check('bagHalfLife', c.bagHalfLife >= 0 && Number.isFinite(c.bagHalfLife), 'a number >= 0');
  check('recentBagLength', int(c.recentBagLength, 0) && c.recentBagLength <= c.bagLength, `an integer in [0, bagLength ${c.bagLength}]`);
  check('historyDropout', c.historyDropout >= 0 && c.historyDropout < 1, 'a number in [0, 1)');
  // 1 trains ItemNet from features alone (every id out of vocabulary), a model for new items only.
  check('itemIdDropout', c.itemIdDropout >= 0 && c.itemIdDropout <= 1, 'a number in [0, 1]');
  check('featureWidthScale', int(c.featureWidthScale, 1), 'an integer >= 1');
  check('excludedFeatures', typeof c.excludedFeatures === 'string' && featureList(c.excludedFeatures).every((f) => f !== ''), "feature names separated by ','");
  check('titleWords', int(c.titleWords, 0), 'an integer >= 0');
  check('continuousBins', int(c.continuousBins, 0) && c.continuousBins !== 1, 'an integer >= 2, or 0');
  check('rankDropout', c.rankDropout >= 0 && c.rankDropout < 1, 'a number in [0, 1)');
  check('rankWeight', c.rankWeight >= 0 && Number.isFinite(c.rankWeight), 'a number >= 0');
  check('patience', int(c.patience, 1), 'an integer >= 1');
  check('candidates', int(c.candidates, 1), 'an integer >= 1');
  return Object.freeze(c);
}

/** The names of a comma-separated feature list ('' = none). */
export function featureList(names: string): string[] {
  return names === '' ? [] : names.split(',').map((name) => name.trim());
}
