import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { InferencePool, copyJob } from './inference-pool.js';
import type { InferenceJob } from './inference-pool.js';
import { RUN_HEADER_BYTES, writeRunHeader } from './inference-messages.js';
import type { WireTensorMap } from './inference-messages.js';
import { createLogger, createMemorySink } from '../../../shared/logging/index.js';
import { tinyRankNet } from '../testing/tiny-models.js';

const DIM = 8;

function randomRows(rows: number, width: number): Float32Array {
  return Float32Array.from({ length: rows * width }, () => Math.random() * 2 - 1);
}

function rankFeeds(rows: number): WireTensorMap {
  return {
    e_u: { type: 'float32', dims: [rows, DIM], data: randomRows(rows, DIM) },
    e_i: { type: 'float32', dims: [rows, DIM], data: randomRows(rows, DIM) },
    b_u: { type: 'float32', dims: [rows, 1], data: randomRows(rows, 1) },
    b_i: { type: 'float32', dims: [rows, 1], data: randomRows(rows, 1) },
  };
}

/** A RankNet job of `feeds`, expecting p of `rows` rows. */
function rankJob(feeds: WireTensorMap): InferenceJob {
  return copyJob(feeds, { p: { type: 'float32', dims: [feeds.e_i.dims[0], 1] } });
}

function copyFeeds(feeds: WireTensorMap): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor('float32', Float32Array.from(t.data), t.dims)]));
}

describe('InferencePool', function () {
  let dir: string;
  let modelPath: string;
  let pool: InferencePool | undefined;
  /** Whether ONNX Runtime loads the CUDA provider here (an NVIDIA GPU with CUDA 12), asked of it directly. */
  let cudaLoads = false;
  const sink = createMemorySink();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dlrs-pool-'));
    modelPath = join(dir, 'rank_net.onnx');
    writeFileSync(modelPath, tinyRankNet(DIM));
    cudaLoads = await ort.InferenceSession.create(modelPath, { executionProviders: ['cuda'], logSeverityLevel: 4 }).then(
      async (session) => {
        await session.release();
        return true;
      },
      () => false,
    );
    pool = await InferencePool.start({
      models: { rank: modelPath },
      size: 2,
      session: { providers: ['cuda', 'cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
      warmupBatchRows: [1, 16],
      logger: createLogger({ level: 'debug', destination: sink }),
    });
  });

  after(async () => {
    await pool?.close();
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs on CUDA where it loads, and otherwise falls back to CPU and logs it for every session', () => {
    if (cudaLoads) {
      assert.equal(pool?.sessions.rank.provider, 'cuda');
      assert.equal(sink.find('execution provider unavailable; falling back').length, 0);
      assert.deepEqual(sink.find('inference session ready').map((line) => line.provider), ['cuda', 'cuda']);
      return;
    }
    assert.equal(pool?.sessions.rank.provider, 'cpu');
    assert.deepEqual(pool?.sessions.rank.inputNames, ['e_u', 'e_i', 'b_u', 'b_i']);
    const fallbacks = sink.find('execution provider unavailable; falling back');
    assert.deepEqual(fallbacks.map((line) => [line.worker, line.provider, line.fallback]).sort(), [[0, 'cuda', 'cpu'], [1, 'cuda', 'cpu']]);
    assert.ok(fallbacks.every((line) => typeof line.cause === 'string' && line.cause.length > 0));
    const ready = sink.find('inference session ready');
    assert.deepEqual(ready.map((line) => line.provider), ['cpu', 'cpu']);
  });

  it('answers as a direct session does, with outputs the caller owns', async () => {
    const direct = await ort.InferenceSession.create(modelPath);
    const feeds = rankFeeds(37);
    const expected = (await direct.run(copyFeeds(feeds))).p.data as Float32Array;
    const calledMs = performance.now();
    const { outputs, runUs } = await (pool as InferencePool).run('rank', rankJob(feeds));
    const elapsedUs = (performance.now() - calledMs) * 1000;
    assert.deepEqual(outputs.p.dims, [37, 1]);
    assert.deepEqual(Array.from(outputs.p.data), Array.from(expected));
    // The time inside session.run, in whole µs: a part of the call, and no session runs in no time.
    assert.ok(Number.isInteger(runUs) && runUs > 0 && runUs <= Math.ceil(elapsedUs), `runUs ${runUs} of a ${elapsedUs.toFixed(0)} µs call`);
    assert.ok(outputs.p.data.buffer instanceof ArrayBuffer, 'the scores are a copy, not a view of the shared slab');
    const again = await (pool as InferencePool).run('rank', rankJob(rankFeeds(3)));
    assert.equal(again.outputs.p.data.length, 3);
    assert.deepEqual(Array.from(outputs.p.data), Array.from(expected), 'a later run leaves earlier outputs alone');
    await direct.release();
  });

  it('spreads concurrent runs over the workers and answers each with its own rows', async () => {
    const direct = await ort.InferenceSession.create(modelPath);
    const cases = Array.from({ length: 24 }, (_, k) => rankFeeds(1 + k));
    const expected = await Promise.all(cases.map(async (feeds) => Array.from((await direct.run(copyFeeds(feeds))).p.data as Float32Array)));
    const results = await Promise.all(cases.map((feeds) => (pool as InferencePool).run('rank', rankJob(feeds))));
    results.forEach((result, k) => assert.deepEqual(Array.from(result.outputs.p.data), expected[k]));
    const stats = (pool as InferencePool).stats();
    assert.equal(stats.size, 2);
    assert.equal(stats.busy, 0);
    assert.ok(stats.busyUs > 0);
    await direct.release();
  });

  it('fails a run with bad feeds without losing the worker', async () => {
    const feeds = rankFeeds(3);
    feeds.e_i = { type: 'float32', dims: [3, DIM - 1], data: randomRows(3, DIM - 1) };
    await assert.rejects((pool as InferencePool).run('rank', rankJob(feeds)), (error: Error & { code?: string }) => error.code === 'INTERNAL');
    await assert.rejects(
      (pool as InferencePool).run('rank', copyJob(rankFeeds(3), { p: { type: 'float32', dims: [4, 1] } })),
      (error: Error & { cause?: Error }) => /output p is float32 of 3 values; float32 of 4 values expected/.test(error.cause?.message ?? ''),
    );
    const ok = await (pool as InferencePool).run('rank', rankJob(rankFeeds(2)));
    assert.equal(ok.outputs.p.data.length, 2);
    assert.equal((pool as InferencePool).stats().size, 2);
  });

  it('fails alone a bad run among batches that waited together for a worker', async () => {
    const direct = await ort.InferenceSession.create(modelPath);
    const cases = Array.from({ length: 12 }, (_, k) => rankFeeds(2 + k));
    const bad = rankFeeds(3);
    bad.e_i = { type: 'float32', dims: [3, DIM - 1], data: randomRows(3, DIM - 1) };
    const expected = await Promise.all(cases.map(async (feeds) => Array.from((await direct.run(copyFeeds(feeds))).p.data as Float32Array)));
    const runs = cases.map((feeds) => (pool as InferencePool).run('rank', rankJob(feeds)));
    // Queued behind the others: it travels with some of them in one message.
    const failing = (pool as InferencePool).run('rank', rankJob(bad));
    runs.push(...cases.map((feeds) => (pool as InferencePool).run('rank', rankJob(feeds))));
    await assert.rejects(failing, (error: Error & { code?: string }) => error.code === 'INTERNAL');
    const results = await Promise.all(runs);
    results.forEach((result, k) => assert.deepEqual(Array.from(result.outputs.p.data), expected[k % cases.length]));
    await direct.release();
  });

  it('replaces a worker that dies and keeps answering', async () => {
    const live = pool as InferencePool;
    // The pool's workers are private; a test reaches one to kill it as a native crash would.
    const victim = (live as unknown as { workers: { worker: { terminate(): Promise<number> } }[] }).workers[0];
    await victim.worker.terminate();
    const answers = await Promise.all(Array.from({ length: 4 }, () => live.run('rank', rankJob(rankFeeds(5)))));
    assert.ok(answers.every((answer) => answer.outputs.p.data.length === 5));
    while (sink.find('inference worker replaced').length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(live.stats().size, 2);
    assert.equal(sink.find('inference worker lost').length, 1);
  });

  it('fails the runs of a worker that answers runs it was not given, logs it, and replaces the worker', async () => {
    const strayLogs = createMemorySink();
    const small = await InferencePool.start({
      models: { rank: modelPath },
      size: 1,
      session: { providers: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
      warmupBatchRows: [1],
      logger: createLogger({ level: 'debug', destination: strayLogs }),
    });
    try {
      const running = small.run('rank', rankJob(rankFeeds(4)));
      // The pool's workers are private; a test reaches one to answer for it as a confused worker would.
      const entry = (small as unknown as { workers: { jobs: unknown[]; worker: { emit(event: string, message: unknown): boolean } }[] }).workers[0];
      assert.equal(entry.jobs.length, 1, 'the run went to the worker');
      const stray = new ArrayBuffer(RUN_HEADER_BYTES);
      writeRunHeader(stray, [{ id: 987_654, network: 0, inputs: [], outputs: [] }]);
      entry.worker.emit('message', stray);
      await assert.rejects(running, (error: Error & { code?: string; cause?: Error }) => error.code === 'INTERNAL' && /answered runs \[987654\]/.test(error.cause?.message ?? ''));
      const logged = strayLogs.find('inference worker answered runs it was not given');
      assert.deepEqual(logged.map((line) => line.answered), [[987_654]]);
      const after = await small.run('rank', rankJob(rankFeeds(2)));
      assert.equal(after.outputs.p.data.length, 2, 'the replacement answers');
      assert.equal(strayLogs.find('inference worker replaced').length, 1);
    } finally {
      await small.close();
    }
  });

  it('refuses to start when no provider can load the model', async function () {
    // Only CUDA is offered: where it loads there is no failing provider to show.
    if (cudaLoads) this.skip();
    await assert.rejects(
      InferencePool.start({
        models: { rank: modelPath },
        size: 1,
        session: { providers: ['cuda'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
        warmupBatchRows: [1],
        logger: createLogger({ level: 'silent' }),
      }),
      /no execution provider could load/,
    );
  });
});
