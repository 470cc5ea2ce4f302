/**
 * Set to 1 where every tool the tests start or call is installed (CI, see .ci/run): a test that
 * would skip for a missing one fails instead, so that a broken install cannot pass as green.
 */
export const REQUIRE_TOOLS_VARIABLE = 'DLRS_REQUIRE_TOOLS';

/**
 * Skips the running test (or hook's suite) for a tool that is absent, printing why; with
 * DLRS_REQUIRE_TOOLS=1 it throws instead, failing it. `reason` names the tool and how to get it.
 */
export function skipForMissingTool(test: Pick<Mocha.Context, 'skip'>, reason: string, options: { env?: NodeJS.ProcessEnv; print?: (line: string) => void } = {}): never {
  const { env = process.env, print = console.log } = options;
  if (env[REQUIRE_TOOLS_VARIABLE] === '1') throw new Error(`${reason} (${REQUIRE_TOOLS_VARIABLE}=1: the tests' tools are required here)`);
  print(`      skipped: ${reason}`);
  return test.skip();
}
