export { PNG_ZOOM, renderVegaLite } from './render-vega-lite.js';
export type { RenderedPlot } from './render-vega-lite.js';
