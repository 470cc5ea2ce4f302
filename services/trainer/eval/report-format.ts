// Number and name formats shared by the evaluation reports.
import type { MetricName } from './metrics.js';
import type { ModelResult } from './run-evaluation.js';

/** `map@10` → `MAP@10`, `recall@20` → `Recall@20`, `ndcg@10` → `NDCG@10`. */
export function formatMetricName(metric: MetricName): string {
  return metric.replace('map', 'MAP').replace('recall', 'Recall').replace('ndcg', 'NDCG');
}

/** A relative change as a signed percentage, e.g. `+21.4 %`. */
export function formatRelative(v: number): string {
  return `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)} %`;
}

/** Models as report.json carries them: without per-user values (the bootstrap's input; its intervals are in the report). */
export function modelsForJson(models: readonly ModelResult[]): object[] {
  return models.map(({ perUser: _perUser, seeds, ...rest }) => ({ ...rest, seeds: seeds.map(({ perUser: _seedPerUser, ...run }) => run) }));
}
