import assert from 'node:assert/strict';
import { PNG_ZOOM } from '../../../shared/plot/index.js';
import { renderMapPlot } from './map-plot.js';

/**
 * A small well-formedness check (no XML parser is installed): every start tag is closed in order,
 * there is exactly one root element, and no text sits outside it. Returns the root's name.
 */
function xmlRoot(xml: string): string {
  const stack: string[] = [];
  let root = '';
  let last = 0;
  for (const match of xml.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g)) {
    const between = xml.slice(last, match.index);
    if (stack.length === 0) assert.equal(between.trim(), '', `text outside the root: ${between.slice(0, 40)}`);
    assert.ok(!between.includes('<'), `malformed markup near ${between.slice(0, 40)}`);
    last = match.index + match[0].length;
    const [, closing, name, , selfClosing] = match;
    if (name === undefined) continue;
    if (closing) {
      assert.equal(stack.pop(), name, `</${name}> closes the wrong element`);
    } else {
      if (stack.length === 0) {
        assert.equal(root, '', 'more than one root element');
        root = name;
      }
      if (!selfClosing) stack.push(name);
    }
  }
  assert.equal(xml.slice(last).trim(), '', 'text after the root');
  assert.deepEqual(stack, [], 'unclosed elements');
  return root;
}

describe('eval renderMapPlot', () => {
  it('renders an SVG with an <svg> root and a PNG of twice its size', async () => {
    const plot = await renderMapPlot('MAP@k', [
      { model: 'A', values: [0.1, 0.08, 0.06, 0.05, 0.055] },
      { model: 'B', values: [0.12, 0.09, 0.07, 0.06, 0.065] },
    ]);
    assert.equal(xmlRoot(plot.svg), 'svg');
    const body = plot.svg;
    const width = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(body)?.[1]);
    const height = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(body)?.[1]);
    assert.ok(width > 0 && height > 0);
    assert.ok(body.includes('>A<') && body.includes('>B<'), 'legend labels present');
    // PNG: 8-byte signature, then the IHDR chunk whose data starts with big-endian width and height.
    assert.deepEqual([...plot.png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.equal(plot.png.toString('latin1', 12, 16), 'IHDR');
    assert.equal(plot.png.readUInt32BE(16), Math.round(width * PNG_ZOOM));
    assert.equal(plot.png.readUInt32BE(20), Math.round(height * PNG_ZOOM));
    assert.deepEqual([plot.pngWidth, plot.pngHeight], [plot.png.readUInt32BE(16), plot.png.readUInt32BE(20)]);
  });
});
