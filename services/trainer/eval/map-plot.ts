// The thesis' results figure, honestly drawn: MAP@k over k for every model, via vega-lite → vega → SVG → PNG.
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from '../../../shared/plot/index.js';
import type { RenderedPlot } from '../../../shared/plot/index.js';
import { MAP_CUTOFFS } from './metrics.js';

/** One model's MAP@k values, in MAP_CUTOFFS order. */
export interface MapCurve {
  readonly model: string;
  readonly values: readonly number[];
}

/** Plot area size in SVG units; the legend and axes add to it. */
const PLOT_WIDTH = 480;
const PLOT_HEIGHT = 300;
/** Legend label width in SVG units: the deep model's form names ("Deep, two-stage (C=300)") must not be cut. */
const LEGEND_LABEL_LIMIT = 240;

/** Renders MAP@k over k (k on an ordinal axis: the cut-offs are not evenly spaced). */
export async function renderMapPlot(title: string, curves: readonly MapCurve[]): Promise<RenderedPlot> {
  const values = curves.flatMap((c) => MAP_CUTOFFS.map((k, i) => ({ model: c.model, k, map: c.values[i] })));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    background: 'white',
    config: { font: 'sans-serif' },
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'k', type: 'ordinal', title: 'k', sort: [...MAP_CUTOFFS], axis: { labelAngle: 0 } },
      y: { field: 'map', type: 'quantitative', title: 'MAP@k' },
      color: { field: 'model', type: 'nominal', title: 'Model', sort: curves.map((c) => c.model), legend: { labelLimit: LEGEND_LABEL_LIMIT } },
    },
  };
  return renderVegaLite(spec);
}
