import assert from 'node:assert/strict';
import { skipForMissingTool } from './skip-for-missing-tool.js';

class Skipped extends Error {}

/** A stand-in for mocha's context that records the skip instead of skipping this spec. */
const context = { skip: (): never => { throw new Skipped(); } };

describe('skipForMissingTool', () => {
  it('skips without DLRS_REQUIRE_TOOLS=1', () => {
    assert.throws(() => skipForMissingTool(context, 'frobnicate is not installed', {}), Skipped);
    assert.throws(() => skipForMissingTool(context, 'frobnicate is not installed', { DLRS_REQUIRE_TOOLS: '0' }), Skipped);
  });

  it('fails naming the tool with DLRS_REQUIRE_TOOLS=1', () => {
    assert.throws(
      () => skipForMissingTool(context, 'frobnicate is not installed', { DLRS_REQUIRE_TOOLS: '1' }),
      (error: unknown) => !(error instanceof Skipped) && error instanceof Error && /frobnicate is not installed .*DLRS_REQUIRE_TOOLS=1/.test(error.message),
    );
  });
});
