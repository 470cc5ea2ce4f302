import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import { BATCH_ID_ATTRIBUTE, MicroBatcher } from './micro-batcher.js';
import type { BatchRunner, MicroBatcherOptions } from './micro-batcher.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { createLogger } from '../../../shared/logging/index.js';
import { startInMemoryTracing } from '../../../shared/telemetry/index.js';

/** A runner that records its batches and answers each input with its values doubled, when released. */
function recordingRunner(autoRelease: boolean) {
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const runner: BatchRunner<number[], number[]> = async (inputs, rowCounts) => {
    batches.push([...rowCounts]);
    if (!autoRelease) await new Promise<void>((resolve) => pending.push(resolve));
    else await sleep(Math.floor(Math.random() * 3));
    return inputs.map((rows) => rows.map((x) => 2 * x));
  };
  /** Releases the running batch, once the batcher has started one. */
  const release = async (): Promise<void> => {
    while (pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    pending.splice(0).forEach((resolve) => resolve());
  };
  return { runner, batches, release };
}

const SLOW_DELAY_US = 60_000_000;

function options(overrides: Partial<MicroBatcherOptions>): MicroBatcherOptions {
  return { maxBatchRows: 8, maxQueueDelayUs: 0, maxQueueRows: 1000, maxBatchesInFlight: 1, ...overrides };
}

async function rejection(promise: Promise<unknown>): Promise<DlrsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DlrsError, `expected a DlrsError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('MicroBatcher', () => {
  it('flushes as soon as maxBatchRows rows wait, without waiting for the delay', async () => {
    const { runner, batches } = recordingRunner(true);
    const batcher = new MicroBatcher(runner, options({ maxBatchRows: 4, maxQueueDelayUs: SLOW_DELAY_US }));
    const results = await Promise.all([[1], [2, 3], [4]].map((rows) => batcher.submit(rows, rows.length)));
    assert.deepEqual(batches, [[1, 2, 1]]);
    assert.deepEqual(results, [[2], [4, 6], [8]]);
  });

  it('fails alone a request the runner answers with an Error; the others of its batch get their outputs', async () => {
    const runner: BatchRunner<number[], number[]> = async (inputs) => inputs.map((rows) => (rows.some(Number.isNaN) ? new DlrsError('INVALID_ARGUMENT', 'not a number') : rows.map((x) => 2 * x)));
    const batcher = new MicroBatcher(runner, options({ maxBatchRows: 4, maxQueueDelayUs: SLOW_DELAY_US }));
    const [first, bad, last] = [[1], [Number.NaN, 3], [4]].map((rows) => batcher.submit(rows, rows.length));
    assert.deepEqual(await first, [2]);
    assert.equal((await rejection(bad)).code, 'INVALID_ARGUMENT');
    assert.deepEqual(await last, [8]);
  });

  it('flushes a partial batch once its oldest row has waited maxQueueDelayUs', async () => {
    const { runner, batches } = recordingRunner(true);
    const batcher = new MicroBatcher(runner, options({ maxBatchRows: 100, maxQueueDelayUs: 20_000 }));
    const results = Promise.all([[1], [2], [3]].map((rows) => batcher.submit(rows, 1)));
    assert.deepEqual(batches, [], 'nothing runs before the delay');
    assert.equal(batcher.queuedRows, 3);
    assert.deepEqual(await results, [[2], [4], [6]]);
    assert.deepEqual(batches, [[1, 1, 1]]);
  });

  it('refuses a request that does not fit into the queue with RESOURCE_EXHAUSTED', async () => {
    const { runner, release } = recordingRunner(false);
    const rejected: number[] = [];
    const batcher = new MicroBatcher(runner, options({ maxQueueRows: 5 }), { onRejected: (rows) => rejected.push(rows) });
    const running = batcher.submit([0], 1);
    const queued = batcher.submit([1, 2, 3, 4], 4);
    const error = await rejection(batcher.submit([5, 6], 2));
    assert.equal(error.code, 'RESOURCE_EXHAUSTED');
    assert.deepEqual(rejected, [2]);
    const fits = batcher.submit([7], 1);
    await release();
    await running;
    await release();
    assert.deepEqual(await Promise.all([queued, fits]), [[2, 4, 6, 8], [14]]);
  });

  it('drops a request whose deadline passed before it ran (DEADLINE_EXCEEDED)', async () => {
    const { runner, batches, release } = recordingRunner(false);
    const expired: number[] = [];
    const batcher = new MicroBatcher(runner, options({}), { onExpired: (rows) => expired.push(rows) });
    const running = batcher.submit([0], 1);
    const late = batcher.submit([1, 1], 2, { deadlineAtMs: Date.now() + 5 });
    const onTime = batcher.submit([2], 1, { deadlineAtMs: Date.now() + 60_000 });
    await sleep(20);
    await release();
    await running;
    assert.equal((await rejection(late)).code, 'DEADLINE_EXCEEDED');
    await release();
    assert.deepEqual(await onTime, [4]);
    assert.deepEqual(batches, [[1], [1]], 'the expired rows never reached the runner');
    assert.deepEqual(expired, [2]);
  });

  it('rejects a request with DEADLINE_EXCEEDED once its timeoutMs passes, queued or running', async () => {
    const { runner, batches, release } = recordingRunner(false);
    const batcher = new MicroBatcher(runner, options({}));
    const running = batcher.submit([0], 1, { timeoutMs: 5 });
    const queued = batcher.submit([1], 1, { timeoutMs: 5 });
    const patient = batcher.submit([2], 1, { timeoutMs: 60_000 });
    assert.equal((await rejection(running)).code, 'DEADLINE_EXCEEDED');
    assert.match((await rejection(queued)).message, /5 ms passed/);
    assert.equal(batcher.queuedRows, 1, 'the queued request\'s row was freed');
    await release();
    await release();
    assert.deepEqual(await patient, [4]);
    assert.deepEqual(batches, [[1], [1]]);
  });

  it('frees the rows of a cancelled request and rejects it with CANCELLED', async () => {
    const { runner, batches, release } = recordingRunner(false);
    const batcher = new MicroBatcher(runner, options({}));
    const running = batcher.submit([0], 1);
    const controller = new AbortController();
    const cancelledCall = batcher.submit([1, 2, 3], 3, { signal: controller.signal });
    const kept = batcher.submit([4], 1);
    assert.equal(batcher.queuedRows, 4);
    controller.abort();
    assert.equal(batcher.queuedRows, 1);
    assert.equal((await rejection(cancelledCall)).code, 'CANCELLED');
    await release();
    await running;
    await release();
    assert.deepEqual(await kept, [8]);
    assert.deepEqual(batches, [[1], [1]]);
  });

  it('runs a request larger than maxBatchRows alone', async () => {
    const { runner, batches, release } = recordingRunner(false);
    const batcher = new MicroBatcher(runner, options({ maxBatchRows: 4 }));
    const first = batcher.submit([0], 1);
    const small = batcher.submit([1], 1);
    const large = batcher.submit([1, 2, 3, 4, 5, 6], 6);
    const after = batcher.submit([7], 1);
    for (let k = 0; k < 4; k += 1) await release();
    assert.deepEqual(await Promise.all([first, small, large, after]), [[0], [2], [2, 4, 6, 8, 10, 12], [14]]);
    assert.deepEqual(batches, [[1], [1], [6], [1]]);
  });

  it('answers every request with its own rows under concurrency', async () => {
    const { runner, batches } = recordingRunner(true);
    const batcher = new MicroBatcher(runner, options({ maxBatchRows: 16, maxQueueDelayUs: 2000, maxQueueRows: 10_000, maxBatchesInFlight: 2 }));
    const inputs = Array.from({ length: 300 }, (_, k) => Array.from({ length: 1 + (k % 7) }, (_, j) => k * 100 + j));
    const results = await Promise.all(
      inputs.map(async (rows, k) => {
        await sleep(k % 5);
        return batcher.submit(rows, rows.length);
      }),
    );
    results.forEach((result, k) => assert.deepEqual(result, inputs[k].map((x) => 2 * x)));
    assert.ok(batches.every((rowCounts) => rowCounts.reduce((a, b) => a + b, 0) <= 16));
    assert.ok(batches.length < inputs.length, `requests were coalesced (${batches.length} batches for ${inputs.length} requests)`);
  });

  it('fails every request of a failed batch with the runner error', async () => {
    const batcher = new MicroBatcher<number, number>(() => Promise.reject(new Error('boom')), options({ maxQueueDelayUs: 5000 }));
    const outcomes = await Promise.allSettled([batcher.submit(1, 1), batcher.submit(2, 1)]);
    assert.deepEqual(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok')), ['boom', 'boom']);
  });

  it('on close runs what is queued without waiting, then refuses new requests with UNAVAILABLE', async () => {
    const { runner, batches } = recordingRunner(true);
    const batcher = new MicroBatcher(runner, options({ maxQueueDelayUs: SLOW_DELAY_US }));
    const queued = batcher.submit([5], 1);
    await batcher.close();
    assert.deepEqual(await queued, [10]);
    assert.deepEqual(batches, [[1]]);
    assert.equal((await rejection(batcher.submit([1], 1))).code, 'UNAVAILABLE');
    await batcher.close();
  });
});

describe('MicroBatcher batch spans', () => {
  it('links each batch span and the spans of the requests it served, both ways', async () => {
    const tracing = startInMemoryTracing({ logger: createLogger({ level: 'silent' }) });
    try {
      const { runner, release } = recordingRunner(false);
      const batcher = new MicroBatcher(runner, options({ maxBatchRows: 4, maxQueueDelayUs: SLOW_DELAY_US }), {}, 'test batch');
      const tracer = trace.getTracer('test');
      const submitted = ['a', 'b'].map((name) => tracer.startActiveSpan(name, async (span) => {
        await batcher.submit([1, 2], 2);
        span.end();
      }));
      await release();
      await Promise.all(submitted);
      // Requests outside any trace: their batch gets no span (it would link nothing).
      const untraced = batcher.submit([3], 1);
      const closed = batcher.close();
      await release();
      await untraced;
      await closed;
      const spans = await tracing.finishedSpans();
      assert.equal(spans.filter((span) => span.name === 'test batch').length, 1, 'no span for the untraced batch');
      const batch = spans.find((span) => span.name === 'test batch');
      assert.ok(batch, 'a batch span');
      assert.equal(batch.parentSpanContext, undefined, 'a batch is a root of its own');
      assert.equal(batch.attributes['dlrs.batch.rows'], 4);
      for (const name of ['a', 'b']) {
        const request = spans.find((span) => span.name === name);
        assert.equal(request?.attributes[BATCH_ID_ATTRIBUTE], batch.spanContext().spanId);
        assert.ok(request.links.some((link) => link.context.spanId === batch.spanContext().spanId), `${name} links its batch`);
        assert.ok(batch.links.some((link) => link.context.spanId === request.spanContext().spanId), `the batch links ${name}`);
      }
    } finally {
      await tracing.shutdown();
    }
  });
});
