// What every figure of the evaluation reports shares: size, background, font and the model legend.

/** Plot area size in SVG units; the legend and axes add to it. */
const PLOT_WIDTH = 480;
const PLOT_HEIGHT = 300;
/** Legend label width in SVG units: the deep model's form names ("Deep, two-stage (C=300)") must not be cut. */
const LEGEND_LABEL_LIMIT = 240;

/** The top of a report figure's vega-lite spec: schema, title, size, background, font and data. */
export function reportPlotFrame(title: string, values: readonly object[]) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    background: 'white',
    config: { font: 'sans-serif' },
    data: { values: [...values] },
  } as const;
}

/** Colour by model, in `models` order, with a legend wide enough for every model's name. */
export function modelColor(models: readonly string[]) {
  return { field: 'model', type: 'nominal', title: 'Model', sort: [...models], legend: { labelLimit: LEGEND_LABEL_LIMIT } } as const;
}
