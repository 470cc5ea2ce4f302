// One way to draw a figure for a report: a vega-lite spec → vega → SVG → PNG (resvg), no browser.
import { Resvg } from '@resvg/resvg-js';
import { View, parse } from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** The rendered figure. */
export interface RenderedPlot {
  readonly svg: string;
  readonly png: Buffer;
  readonly pngWidth: number;
  readonly pngHeight: number;
}

/** PNG pixels per SVG unit: twice the layout size keeps text sharp on high-density screens. */
export const PNG_ZOOM = 2;

/** Renders a vega-lite spec (its data inline) to SVG and to a PNG of PNG_ZOOM times its size. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<RenderedPlot> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const rendered = new Resvg(svg, { fitTo: { mode: 'zoom', value: PNG_ZOOM }, font: { loadSystemFonts: true } }).render();
  return { svg, png: rendered.asPng(), pngWidth: rendered.width, pngHeight: rendered.height };
}
