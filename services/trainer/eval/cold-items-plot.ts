// The cold-start figure: each model's Recall@10, Recall@20, MAP@10 and NDCG@10 on new items, with bootstrap intervals.
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from '../../../shared/plot/index.js';
import type { RenderedPlot } from '../../../shared/plot/index.js';
import { modelColor, reportPlotFrame } from './report-plot-frame.js';
import type { MeanInterval } from './bootstrap.js';

/** One model's value of one metric. */
export interface ColdBar {
  readonly model: string;
  readonly metric: string;
  readonly value: MeanInterval;
}

/** Grouped bars (metric groups, one bar per model) with 95 % interval whiskers. */
export async function renderColdItemsPlot(title: string, bars: readonly ColdBar[]): Promise<RenderedPlot> {
  const models = [...new Set(bars.map((b) => b.model))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const values = bars.map((b) => ({ model: b.model, metric: b.metric, value: b.value.mean, low: b.value.low, high: b.value.high }));
  const x = { field: 'metric', type: 'nominal', title: null, sort: metrics, axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'model', type: 'nominal', sort: models } as const;
  const spec: TopLevelSpec = {
    ...reportPlotFrame(title, values),
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          xOffset,
          y: { field: 'value', type: 'quantitative', title: 'value on new items' },
          color: modelColor(models),
        },
      },
      { mark: { type: 'rule', color: 'black' }, encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
    ],
  };
  return renderVegaLite(spec);
}
