import assert from 'node:assert/strict';
import { DrillRecord } from './drill-result.js';
import { drillMarkdown, drillTable, wrapText } from './drill-table.js';

describe('drill table', () => {
  it('wraps text at word boundaries, a longer word on a line of its own', () => {
    assert.deepEqual(wrapText('one two three', 7), ['one two', 'three']);
    assert.deepEqual(wrapText('abcdefghij x', 4), ['abcdefghij', 'x']);
    assert.deepEqual(wrapText('', 4), ['']);
  });

  it('shows a drill whose check failed as FAIL, with the failed expectation under what happened', () => {
    const passed = new DrillRecord('kill', 'killed it', 'it comes back');
    passed.note('back after 2 s');
    passed.check(true, 'never shown');
    const failed = new DrillRecord('overload', 'twice the capacity', 'no timeouts');
    failed.check(false, '12 calls timed out');
    const lines = drillTable([passed.result(), failed.result()]);
    const text = lines.join('\n');
    assert.match(lines.find((line) => line.startsWith('kill')) ?? '', /PASS$/);
    assert.match(lines.find((line) => line.startsWith('overload')) ?? '', /FAIL$/);
    assert.match(text, /FAILED: 12 calls timed out/);
    assert.doesNotMatch(text, /never shown/);
    const markdown = drillMarkdown([failed.result()], ['on a test machine']);
    assert.match(markdown, /\| overload \| twice the capacity \| no timeouts \| FAILED: 12 calls timed out \| \*\*FAIL\*\* \|/);
  });

  it('shows a skipped drill as SKIPPED with its reason, not as a pass', () => {
    const skipped = new DrillRecord('disk full', 'a tmpfs', 'writes refused').skip('mounting a tmpfs needs root');
    const lines = drillTable([skipped]);
    assert.match(lines.find((line) => line.startsWith('disk full')) ?? '', /SKIPPED$/);
    assert.match(lines.join('\n'), /SKIPPED: mounting a tmpfs needs root/);
    assert.match(drillMarkdown([skipped], []), /\*\*SKIPPED\*\*/);
  });
});
