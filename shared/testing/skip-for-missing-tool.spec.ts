import assert from 'node:assert/strict';
import { skipForMissingTool } from './skip-for-missing-tool.js';

class Skipped extends Error {}

/** A stand-in for mocha's context that records the skip instead of skipping this spec. */
const context = { skip: (): never => { throw new Skipped(); } };

describe('skipForMissingTool', () => {
  it('skips printing why without DLRS_REQUIRE_TOOLS=1', () => {
    const printed: string[] = [];
    const print = (line: string): void => void printed.push(line);
    assert.throws(() => skipForMissingTool(context, 'frobnicate is not installed', { env: {}, print }), Skipped);
    assert.throws(() => skipForMissingTool(context, 'frobnicate is not installed', { env: { DLRS_REQUIRE_TOOLS: '0' }, print }), Skipped);
    assert.deepEqual(printed.map((line) => line.trim()), ['skipped: frobnicate is not installed', 'skipped: frobnicate is not installed']);
  });

  it('fails naming the tool with DLRS_REQUIRE_TOOLS=1', () => {
    assert.throws(
      () => skipForMissingTool(context, 'frobnicate is not installed', { env: { DLRS_REQUIRE_TOOLS: '1' }, print: () => assert.fail('nothing is printed') }),
      (error: unknown) => !(error instanceof Skipped) && error instanceof Error && /frobnicate is not installed .*DLRS_REQUIRE_TOOLS=1/.test(error.message),
    );
  });
});
