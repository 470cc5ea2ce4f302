import assert from 'node:assert/strict';
import { fitText, formatTable } from './format-table.js';

describe('formatTable', () => {
  it('pads columns to their widest cell, numbers to the right, and indents every line', () => {
    const lines = formatTable(['#', 'title'], [['1', 'Heat (1995)'], ['10', 'Up']], { indent: '  ', rightAligned: [0] });
    assert.deepEqual(lines, ['   #  title', '  --  -----------', '   1  Heat (1995)', '  10  Up']);
  });

  it('fitText keeps short text and cuts long text to the width, ending in an ellipsis', () => {
    assert.equal(fitText('Up', 5), 'Up');
    assert.equal(fitText('Braveheart', 5), 'Brav…');
  });

  it('cuts long cells with an ellipsis', () => {
    const [, , row] = formatTable(['title'], [['x'.repeat(60)]]);
    assert.equal(row.length, 48);
    assert.ok(row.endsWith('…'));
  });
});
