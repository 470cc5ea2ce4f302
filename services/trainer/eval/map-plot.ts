// The thesis' results figure, honestly drawn: MAP@k over k for every model, via vega-lite → vega → SVG → PNG.
import type { TopLevelSpec } from 'vega-lite';
import { renderVegaLite } from '../../../shared/plot/index.js';
import type { RenderedPlot } from '../../../shared/plot/index.js';
import { modelColor, reportPlotFrame } from './report-plot-frame.js';
import { MAP_CUTOFFS } from './metrics.js';

/** One model's MAP@k values, in MAP_CUTOFFS order. */
export interface MapCurve {
  readonly model: string;
  readonly values: readonly number[];
}

/** Renders MAP@k over k (k on an ordinal axis: the cut-offs are not evenly spaced). */
export async function renderMapPlot(title: string, curves: readonly MapCurve[]): Promise<RenderedPlot> {
  const values = curves.flatMap((c) => MAP_CUTOFFS.map((k, i) => ({ model: c.model, k, map: c.values[i] })));
  const spec: TopLevelSpec = {
    ...reportPlotFrame(title, values),
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'k', type: 'ordinal', title: 'k', sort: [...MAP_CUTOFFS], axis: { labelAngle: 0 } },
      y: { field: 'map', type: 'quantitative', title: 'MAP@k' },
      color: modelColor(curves.map((c) => c.model)),
    },
  };
  return renderVegaLite(spec);
}
