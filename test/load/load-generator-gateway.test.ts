// dlrs bench load against the real serving path (test/fixtures/serving-stack.ts: a trained tiny
// bundle, ranking, a retrieval shard, the gateway): the deploy/ghz request data is accepted,
// and a short run counts its calls and their status codes. The gateway asks for an API token,
// which the runs send as metadata, as ghz would (--metadata).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchLoad } from '../../bench/load/bench-load-command.js';
import { readGhzConfig, resolveLoadConfig } from '../../bench/load/load-config.js';
import { runLoad } from '../../bench/load/load-runner.js';
import type { LoadResult } from '../../bench/load/load-runner.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GHZ_DIR = join(ROOT, 'deploy/ghz');
const RECOMMEND = 'dlrs.v1.Recommender.Recommend';
const TOKEN = 'load-test-token';
/** The metadata every run sends: a read-only API token is all a load of recommendations needs. */
const AUTH = { metadata: { authorization: `Bearer ${TOKEN}` } };

describe('dlrs bench load against a real gateway', function () {
  this.timeout(120_000);
  let topology: ServingStack;
  let tokenDir: string;
  const cwd = process.cwd();

  before(async () => {
    tokenDir = await mkdtemp(join(tmpdir(), 'dlrs-load-token-'));
    await writeFile(join(tokenDir, 'tokens'), `${TOKEN} read\n`);
    topology = await startServingStack({ shards: 1, gatewayEnv: { DLRS_API_TOKENS_FILE: join(tokenDir, 'tokens') } });
    // The gateway's first calls open its streams to ranking and may answer degraded
    // (RANKING_UNAVAILABLE) meanwhile; the checks below are about the request data.
    await runLoad(resolveLoadConfig({ call: RECOMMEND, host: topology.address, concurrency: 2, connections: 1, total: 20, messages: [{ context: { interactions: [{ itemId: topology.bundle.items[0].id }] } }] }, AUTH));
    // data-file paths in deploy/ghz are relative to the repository root, as for ghz.
    process.chdir(ROOT);
  });

  after(async () => {
    process.chdir(cwd);
    await topology?.stop();
    await rm(tokenDir, { recursive: true, force: true });
  });

  for (const file of readdirSync(GHZ_DIR).filter((f) => f.endsWith('.json'))) {
    it(`deploy/ghz/${file}: the gateway accepts every request of its data`, async function () {
      const settings = readGhzConfig(join(GHZ_DIR, file));
      const streaming = settings.call?.endsWith('Stream') === true;
      const messages = settings.messages ?? [];
      // Each unary message once (they are used in turn), or one stream carrying them all.
      const result = await runLoad(resolveLoadConfig(settings, AUTH, { host: topology.address, concurrency: 1, connections: 1, total: streaming ? 1 : messages.length, skipFirst: 0 }));
      assert.deepEqual(result.statusCounts, { OK: streaming ? 1 : messages.length });
      assert.deepEqual(result.messageErrors, {}, 'no request on the stream failed (INVALID_ARGUMENT or other)');
      if (streaming) assert.equal(result.streamMessages, messages.length, 'an answer per request');
      assert.equal(result.answersInspected, messages.length);
      // Users without a stored profile get popular items; nothing else may be degraded.
      assert.deepEqual(Object.keys(result.degradedAnswers), ['POPULAR_FALLBACK']);
      const inline = messages.filter((m) => 'context' in (m as object)).length;
      assert.equal(result.degradedAnswers.POPULAR_FALLBACK, messages.length - inline, 'requests with an inline context take the full path');
    });
  }

  it('is refused UNAUTHENTICATED without the token', async function () {
    const result = await runLoad(resolveLoadConfig({ call: RECOMMEND, host: topology.address, concurrency: 1, connections: 1, total: 3, messages: [{ userId: '1', k: 5 }] }));
    assert.deepEqual(result.statusCounts, { UNAUTHENTICATED: 3 });
  });

  it('counts calls and their status codes in a short closed-loop run', async function () {
    // Every other request names no user: INVALID_ARGUMENT.
    const result = await runLoad(resolveLoadConfig({ call: RECOMMEND, host: topology.address, concurrency: 4, connections: 2, durationMs: 1000, timeoutMs: 5000, messages: [{ userId: '1', k: 5 }, { k: 5 }] }, AUTH));
    assert.ok(result.calls > 0);
    assert.deepEqual(Object.keys(result.statusCounts).sort(), ['INVALID_ARGUMENT', 'OK']);
    assert.equal(result.statusCounts.OK + result.statusCounts.INVALID_ARGUMENT, result.calls);
    assert.ok(Math.abs(result.statusCounts.OK - result.statusCounts.INVALID_ARGUMENT) <= 4, 'the two requests alternate');
    assert.ok(result.latency.p50Ms > 0 && result.latency.p50Ms <= result.latency.p99Ms);
    // User 1 has no profile in a fresh gateway: every answer is the popular fallback.
    assert.equal(result.answersInspected, result.statusCounts.OK);
    assert.deepEqual(result.degradedAnswers, { POPULAR_FALLBACK: result.statusCounts.OK });
  });

  it('sends exactly rate × duration calls in an open-loop run, warm-up left out', async function () {
    const result = await runLoad(resolveLoadConfig({ call: RECOMMEND, host: topology.address, rps: 50, durationMs: 1000, warmupMs: 200, concurrency: 16, connections: 1, timeoutMs: 5000, messages: [{ userId: '1', k: 5 }] }, AUTH));
    assert.equal(result.mode, 'open-loop');
    // Calls are due every 20 ms: 10 of the 50 fall in the 200 ms warm-up.
    assert.equal(result.warmupCalls, 10);
    assert.equal(result.calls, 40);
    assert.deepEqual(result.statusCounts, { OK: 40 });
  });

  it('runs from the command line: a ghz file, overrides, a stream with templated ids, JSON output', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'dlrs-bench-load-'));
    try {
      const jsonPath = join(dir, 'result.json');
      const data = JSON.stringify([{ requestId: 'a{{.RequestNumber}}', userId: '{{randomInt 1 50}}', k: 3 }, { requestId: 'b{{.RequestNumber}}', userId: '7', k: 3 }]);
      const code = await runBenchLoad(['--config', 'deploy/ghz/recommend-stream-c4.json', '--total', '20', '--skip-first', '0', '--data', data, '--json', jsonPath, '--metadata', JSON.stringify(AUTH.metadata), topology.address]);
      assert.equal(code, 0);
      const result = JSON.parse(await readFile(jsonPath, 'utf8')) as LoadResult;
      assert.equal(result.call, 'dlrs.v1.Recommender.RecommendStream');
      assert.equal(result.host, topology.address);
      assert.equal(result.concurrency, 4);
      assert.deepEqual(result.statusCounts, { OK: 20 });
      assert.equal(result.streamMessages, 40);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a configuration with an option it does not implement, before any call', async function () {
    const dir = await mkdtemp(join(tmpdir(), 'dlrs-bench-load-'));
    try {
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ call: RECOMMEND, host: topology.address, insecure: true, 'load-schedule': 'step', data: { userId: '1' } }));
      assert.equal(await runBenchLoad(['--config', file]), 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
