import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ConfigError, applyV8HeapSettings, defineConfig, loadConfig, serverConfigShape } from './index.js';

const definition = defineConfig(serverConfigShape({ port: 50051, metricsPort: 9464 }));

/** The V8 flags a service sets for the environment `env`. */
function flagsFor(env: Record<string, string>): string[] {
  const flags: string[] = [];
  applyV8HeapSettings(loadConfig(definition, { env }), (flag) => flags.push(flag));
  return flags;
}

describe('applyV8HeapSettings', () => {
  it('turns allocation-site pretenuring off unless DLRS_ALLOCATION_SITE_PRETENURING asks for it', () => {
    assert.deepEqual(flagsFor({}), ['--no-allocation-site-pretenuring']);
    assert.deepEqual(flagsFor({ DLRS_ALLOCATION_SITE_PRETENURING: 'true' }), ['--allocation-site-pretenuring']);
    assert.deepEqual(flagsFor({ DLRS_ALLOCATION_SITE_PRETENURING: 'off' }), ['--no-allocation-site-pretenuring']);
  });

  it('fails at start on a value that is not a boolean, naming the variable', () => {
    assert.throws(() => flagsFor({ DLRS_ALLOCATION_SITE_PRETENURING: 'sometimes' }), (error: unknown) => error instanceof ConfigError && error.message.includes('DLRS_ALLOCATION_SITE_PRETENURING'));
  });

  it('names a flag this Node\'s V8 knows (V8 ignores an unknown one silently)', () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    assert.match(options, /^\s*--allocation-site-pretenuring\b/m);
  });
});
