// The promotion gate of `dlrs retrain`: a candidate replaces the serving model only when it is not worse on the hold-out.
import { pairedBootstrap } from '../eval/bootstrap.js';
import type { RelativeImprovement } from '../eval/bootstrap.js';

/** The metrics the gate compares, per hold-out user. */
export const GATE_METRICS = ['map@10', 'recall@100'] as const;
/** One gated metric's name. */
export type GateMetric = (typeof GATE_METRICS)[number];

/** Per-user values of every gated metric, the same users in the same order for both models. */
export type GateScores = Readonly<Record<GateMetric, Float64Array>>;

/** When a candidate is promoted: on every gated metric, both conditions hold. */
export interface DecisionRule {
  /** The candidate's mean must be at least (1 + this) × the serving mean (0: at least equal). */
  readonly minRelativeMean: number;
  /** The lower CI bound of mean_candidate / mean_serving − 1 must be at least this (−0.01 = −1 %). */
  readonly minCiLow: number;
  readonly confidence: number;
  readonly samples: number;
  readonly seed: number;
}

/** Promote when the candidate's mean is at least the serving one and the CI's lower bound is ≥ −1 %. */
export const DEFAULT_DECISION_RULE: DecisionRule = { minRelativeMean: 0, minCiLow: -0.01, confidence: 0.95, samples: 2000, seed: 1 };

/** The gate's verdict with its full comparison (what the registry keeps). */
export interface Decision {
  readonly promote: boolean;
  readonly reasons: readonly string[];
  readonly comparison: Readonly<Record<GateMetric, RelativeImprovement>>;
  readonly users: number;
}

/** Compares candidate (A) with serving (B) by a paired bootstrap over hold-out users and applies `rule`. */
export function decide(candidate: GateScores, serving: GateScores, rule: DecisionRule = DEFAULT_DECISION_RULE): Decision {
  const reasons: string[] = [];
  const comparison = {} as Record<GateMetric, RelativeImprovement>;
  const users = candidate['map@10'].length;
  if (users === 0) reasons.push('the hold-out window has no users to compare on');
  for (const metric of GATE_METRICS) {
    const c = pairedBootstrap(candidate[metric], serving[metric], { seed: rule.seed, samples: rule.samples, confidence: rule.confidence });
    comparison[metric] = c;
    if (c.meanA < c.meanB * (1 + rule.minRelativeMean)) reasons.push(`${metric}: candidate mean ${c.meanA.toFixed(4)} < serving ${c.meanB.toFixed(4)}`);
    if (c.low < rule.minCiLow) reasons.push(`${metric}: CI lower bound ${percent(c.low)} < ${percent(rule.minCiLow)}`);
  }
  return { promote: reasons.length === 0, reasons, comparison, users };
}

/** One line per metric, as `dlrs retrain` prints the comparison. */
export function formatDecision(decision: Decision): string {
  const rows = GATE_METRICS.map((m) => {
    const c = decision.comparison[m];
    return `  ${m.padEnd(10)} candidate ${c.meanA.toFixed(4)}  serving ${c.meanB.toFixed(4)}  Δ ${percent(c.relative)} [${percent(c.low)}, ${percent(c.high)}] (${Math.round(c.confidence * 100)} % CI, ${decision.users} users)`;
  });
  const verdict = decision.promote ? 'PROMOTE' : `REFUSE: ${decision.reasons.join('; ')}`;
  return [...rows, `  decision: ${verdict}`].join('\n');
}

function percent(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}
