// The cold-start figure: each model's Recall@10, Recall@20, MAP@10 and NDCG@10 on new items, with bootstrap intervals.
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from '../../../shared/plot/index.js';
import type { RenderedPlot } from '../../../shared/plot/index.js';
import type { MeanInterval } from './bootstrap.js';

/** One model's value of one metric. */
export interface ColdBar {
  readonly model: string;
  readonly metric: string;
  readonly value: MeanInterval;
}

/** Plot area size in SVG units; the legend and axes add to it. */
const PLOT_WIDTH = 480;
const PLOT_HEIGHT = 300;
/** Legend label width in SVG units: the deep model's form names must not be cut. */
const LEGEND_LABEL_LIMIT = 240;

/** Grouped bars (metric groups, one bar per model) with 95 % interval whiskers. */
export async function renderColdItemsPlot(title: string, bars: readonly ColdBar[]): Promise<RenderedPlot> {
  const models = [...new Set(bars.map((b) => b.model))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const values = bars.map((b) => ({ model: b.model, metric: b.metric, value: b.value.mean, low: b.value.low, high: b.value.high }));
  const x = { field: 'metric', type: 'nominal', title: null, sort: metrics, axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'model', type: 'nominal', sort: models } as const;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    background: 'white',
    config: { font: 'sans-serif' },
    data: { values },
    layer: [
      {
        mark: 'bar',
        encoding: {
          x,
          xOffset,
          y: { field: 'value', type: 'quantitative', title: 'value on new items' },
          color: { field: 'model', type: 'nominal', title: 'Model', sort: models, legend: { labelLimit: LEGEND_LABEL_LIMIT } },
        },
      },
      { mark: { type: 'rule', color: 'black' }, encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } } },
    ],
  };
  return renderVegaLite(spec);
}
