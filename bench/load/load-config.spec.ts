import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findMethod } from './call-target.js';
import { GHZ_DEFAULT_CONCURRENCY, GHZ_DEFAULT_TIMEOUT_MS, GHZ_DEFAULT_TOTAL, parseGhzConfig, readGhzConfig, resolveLoadConfig } from './load-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GHZ_DIR = join(ROOT, 'deploy/ghz');

describe('load configuration from ghz files', function () {
  const files = readdirSync(GHZ_DIR).filter((f) => f.endsWith('.json'));

  it('finds the deploy/ghz configurations', function () {
    assert.ok(files.length >= 6, files.join(', '));
  });

  for (const file of files) {
    it(`reads deploy/ghz/${file} into a complete configuration of an existing method`, function () {
      const cwd = process.cwd();
      // data-file paths are relative to the repository root, as for ghz.
      process.chdir(ROOT);
      try {
        const config = resolveLoadConfig(readGhzConfig(join(GHZ_DIR, file)));
        assert.match(config.call, /^dlrs\.v1\.Recommender\.Recommend(Stream)?$/);
        assert.doesNotThrow(() => findMethod(config.call));
        assert.equal(config.host, '127.0.0.1:50051');
        assert.ok(config.messages.length > 0);
        assert.ok(config.total !== undefined && config.total > config.skipFirst);
        assert.ok(config.connections <= config.concurrency);
        assert.equal(config.timeoutMs, 5000);
        assert.equal(config.connectTimeoutMs, 10_000);
        assert.ok(Object.isFrozen(config));
      } finally {
        process.chdir(cwd);
      }
    });
  }

  it('applies ghz defaults and lets a duration replace the total', function () {
    const base = { call: 'dlrs.v1.Recommender.Recommend', host: 'localhost:1', messages: [{ userId: '1' }] };
    const defaulted = resolveLoadConfig(base);
    assert.equal(defaulted.concurrency, GHZ_DEFAULT_CONCURRENCY);
    assert.equal(defaulted.total, GHZ_DEFAULT_TOTAL);
    assert.equal(defaulted.timeoutMs, GHZ_DEFAULT_TIMEOUT_MS);
    assert.equal(defaulted.rps, undefined);
    const timed = resolveLoadConfig(base, parseGhzConfig({ duration: '1m30s', rps: 200, data: { userId: '2' } }, 'x.json'));
    assert.equal(timed.durationMs, 90_000);
    assert.equal(timed.total, undefined);
    assert.equal(timed.rps, 200);
    assert.deepEqual(timed.messages, [{ userId: '2' }]);
  });

  it('refuses an unknown option, and a ghz option outside the subset, naming it', function () {
    assert.throws(() => parseGhzConfig({ call: 'a.B.C', concurency: 4 }, 'typo.json'), /typo\.json: 'concurency' is not a ghz option \(supported: name, call,/);
    assert.throws(() => parseGhzConfig({ proto: 'x.proto' }, 'p.json'), /p\.json: ghz option 'proto' is not supported by dlrs bench load/);
    assert.throws(() => parseGhzConfig({ 'load-schedule': 'step' }, 's.json'), /ghz option 'load-schedule' is not supported/);
  });

  it('refuses bad values with the key and the value', function () {
    assert.throws(() => parseGhzConfig({ concurrency: 0 }, 'f'), /f: 'concurrency' must be an integer ≥ 1, got 0/);
    assert.throws(() => parseGhzConfig({ timeout: '5' }, 'f'), /f: 'timeout' '5' is not a Go duration/);
    assert.throws(() => parseGhzConfig({ insecure: false }, 'f'), /only plaintext/);
    assert.throws(() => parseGhzConfig({ data: [] }, 'f'), /empty array/);
    assert.throws(() => parseGhzConfig({ data: {}, 'data-file': 'x' }, 'f'), /not both/);
    assert.throws(() => parseGhzConfig({ metadata: { n: 1 } }, 'f'), /metadata 'n' must be a string/);
    assert.throws(() => parseGhzConfig({ 'data-file': '/nonexistent.json' }, 'f'), /f: data-file '\/nonexistent\.json'/);
    assert.throws(() => resolveLoadConfig({ call: 'a.B.C', host: 'h:1', messages: [{}], concurrency: 2, connections: 3 }), /connections \(3\) must not exceed concurrency \(2\)/);
    assert.throws(() => resolveLoadConfig({ call: 'a.B.C', host: 'h', messages: [{}] }), /host 'h' is not host:port/);
    assert.throws(() => findMethod('dlrs.v1.Recommender.Nope'), /call 'dlrs\.v1\.Recommender\.Nope' is not a method of proto\/dlrs\/v1/);
    assert.throws(() => findMethod('dlrs.v1.Recommender'), /is not a method/);
  });
});
