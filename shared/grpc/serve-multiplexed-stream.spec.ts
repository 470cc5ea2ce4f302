import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import type { ErrorStatus } from '../generated/dlrs/v1/ErrorStatus.js';
import { createLogger, createMemorySink } from '../logging/index.js';
import type { MemorySink } from '../logging/index.js';
import { serveMultiplexedStream } from './serve-multiplexed-stream.js';
import type { MultiplexedStreamCall, MultiplexedStreamOptions, StreamOverflow } from './serve-multiplexed-stream.js';
import type { InBandStatus } from './stream-request-tracing.js';

interface Request {
  requestId: string;
  timeoutMs: number;
  traceContext: Record<string, string>;
}

interface Answer {
  requestId?: string;
  value?: string;
  error?: ErrorStatus | null;
}

const request = (requestId: string, timeoutMs = 0): Request => ({ requestId, timeoutMs, traceContext: { traceparent: `trace-of-${requestId}` } });

/** A handler that answers only when the test releases a request, recording what it was asked. */
function controlledServe(): { serve: MultiplexedStreamOptions<Request, Answer>['serve']; started: Array<{ id: string; deadlineAtMs: number }>; release: (id: string, error?: Error) => void } {
  const waiting = new Map<string, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  const started: Array<{ id: string; deadlineAtMs: number }> = [];
  return {
    started,
    serve: (req, deadlineAtMs) => {
      started.push({ id: req.requestId, deadlineAtMs });
      return new Promise((resolve, reject) => waiting.set(req.requestId, { resolve, reject }));
    },
    release: (id, error) => {
      const entry = waiting.get(id);
      assert.ok(entry, `${id} is being served`);
      waiting.delete(id);
      if (error) entry.reject(error);
      else entry.resolve({ requestId: id, value: `answer to ${id}` });
    },
  };
}

/** The requests of a stream, as the test pushes them; `pulled` counts those the server has read. */
function pushedRequests(): { requests: AsyncIterable<Request>; push: (r: Request) => void; end: () => void; pulled: () => number } {
  const queued: Array<Request | undefined> = [];
  let wake: (() => void) | undefined;
  let pulled = 0;
  return {
    requests: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          const next = queued.shift();
          if (next === undefined) return;
          pulled++;
          yield next;
        }
      },
    },
    push: (r) => {
      queued.push(r);
      wake?.();
    },
    end: () => {
      queued.push(undefined);
      wake?.();
    },
    pulled: () => pulled,
  };
}

/** Lets every settled promise's callbacks run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Harness {
  answers: Answer[];
  byId: () => Map<string | undefined, Answer>;
  call: MultiplexedStreamCall;
  sink: MemorySink;
  /** What each request was traced as: its method, its carried context, its in-band failure. */
  traced: Array<{ path: string; traceparent: string | undefined; failure: InBandStatus | undefined }>;
}

function harness(deadline: number = Number.POSITIVE_INFINITY, signal = new AbortController().signal): Harness {
  const answers: Answer[] = [];
  const sink = createMemorySink();
  const traced: Harness['traced'] = [];
  return {
    answers,
    byId: () => new Map(answers.map((answer) => [answer.requestId, answer])),
    sink,
    traced,
    call: {
      signal,
      deadline,
      logger: createLogger({ level: 'info', destination: sink }),
      streamRequest: async (path, traceContext, work, failureOf) => {
        const answer = await work();
        traced.push({ path, traceparent: traceContext?.traceparent, failure: failureOf?.(answer) });
        return answer;
      },
    },
  };
}

const writerOf = (h: Harness) => ({ write: async (answer: Answer) => void h.answers.push(answer) });

function options(overflow: StreamOverflow, maxInFlight: number, serve: MultiplexedStreamOptions<Request, Answer>['serve'], now: () => number = Date.now): MultiplexedStreamOptions<Request, Answer> {
  return { stream: 'TestStream', overflow, maxInFlight, defaultTimeoutMs: 5000, methodOf: () => '/test.v1.Test/Get', timeoutMsOf: (r) => r.timeoutMs, serve, now };
}

describe('serveMultiplexedStream', () => {
  it('reject: runs up to maxInFlight at once, answers more with RESOURCE_EXHAUSTED at once, and each by id', async () => {
    const h = harness();
    const { serve, started, release } = controlledServe();
    const input = pushedRequests();
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options('reject', 2, serve));
    for (const id of ['a', 'b', 'c', 'd']) input.push(request(id));
    await settle();
    assert.deepEqual(started.map((s) => s.id), ['a', 'b'], 'a and b run at the same time');
    assert.deepEqual(h.answers.map((a) => [a.requestId, a.error?.code]), [['c', status.RESOURCE_EXHAUSTED], ['d', status.RESOURCE_EXHAUSTED]], 'c and d are refused while a and b run');
    release('b');
    release('a', new DlrsError('INVALID_ARGUMENT', 'bad k', { field: 'k' }));
    await settle();
    input.push(request('e'));
    await settle();
    assert.deepEqual(started.map((s) => s.id), ['a', 'b', 'e'], 'a slot is free again once its answer is written');
    release('e');
    input.end();
    await served;
    const byId = h.byId();
    assert.equal(h.answers.length, 5);
    assert.equal(byId.get('b')?.value, 'answer to b');
    assert.deepEqual([byId.get('a')?.error?.code, byId.get('a')?.error?.field], [status.INVALID_ARGUMENT, 'k'], 'a failure is the request\'s own');
    assert.equal(byId.get('e')?.value, 'answer to e');
  });

  it('wait: reads the stream no further while maxInFlight are in flight, and on once one is answered', async () => {
    const h = harness();
    const { serve, started, release } = controlledServe();
    const input = pushedRequests();
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options('wait', 2, serve));
    for (const id of ['a', 'b', 'c', 'd']) input.push(request(id));
    await settle();
    assert.deepEqual(started.map((s) => s.id), ['a', 'b']);
    assert.equal(input.pulled(), 3, 'c is read and waits for a slot; d stays unread');
    assert.equal(h.answers.length, 0, 'nothing is refused');
    release('b');
    await settle();
    assert.deepEqual(started.map((s) => s.id), ['a', 'b', 'c']);
    assert.equal(input.pulled(), 4);
    for (const id of ['a', 'c']) release(id);
    await settle();
    release('d');
    input.end();
    await served;
    assert.deepEqual(h.answers.map((a) => a.value), ['answer to b', 'answer to a', 'answer to c', 'answer to d']);
  });

  for (const overflow of ['wait', 'reject'] as const) {
    it(`${overflow}: refuses a request without an id and one whose id is in flight, and takes that id again once answered`, async () => {
      const h = harness();
      const { serve, started, release } = controlledServe();
      const input = pushedRequests();
      const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options(overflow, 4, serve));
      for (const id of ['a', '', 'a']) input.push(request(id));
      await settle();
      assert.deepEqual(started.map((s) => s.id), ['a'], 'the second a is not served');
      assert.deepEqual(
        h.answers.map((a) => [a.requestId, a.error?.code, a.error?.field]),
        [
          ['', status.INVALID_ARGUMENT, 'request_id'],
          ['a', status.INVALID_ARGUMENT, 'request_id'],
        ],
      );
      assert.match(h.answers[0].error?.message ?? '', /required on TestStream/);
      release('a');
      await settle();
      input.push(request('a'));
      await settle();
      assert.deepEqual(started.map((s) => s.id), ['a', 'a'], 'an answered id may be used again');
      release('a');
      input.end();
      await served;
      assert.equal(h.answers.filter((a) => a.value === 'answer to a').length, 2);
    });
  }

  it('gives each request the deadline of its own timeout from its arrival on the clock, the default without one, the call\'s when that is sooner', async () => {
    const h = harness(61_000);
    const { serve, started, release } = controlledServe();
    const input = pushedRequests();
    let clockMs = 50_000;
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options('reject', 4, serve, () => clockMs));
    input.push(request('a', 250));
    await settle();
    clockMs = 51_000;
    input.push(request('b'));
    input.push(request('c', 60_000));
    await settle();
    for (const id of ['a', 'b', 'c']) release(id);
    input.end();
    await served;
    assert.deepEqual(
      started.map((s) => [s.id, s.deadlineAtMs]),
      [
        ['a', 50_250],
        ['b', 56_000],
        ['c', 61_000],
      ],
    );
  });

  it('answers a request its admission check refuses at once, without tracing or serving it', async () => {
    const h = harness();
    const { serve, started, release } = controlledServe();
    const input = pushedRequests();
    const admit = (r: Request): void => {
      if (r.timeoutMs > 1000) throw new DlrsError('INVALID_ARGUMENT', 'at most 1000 ms', { field: 'timeout_ms' });
    };
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, { ...options('wait', 4, serve), admit });
    input.push(request('a', 5000));
    input.push(request('b', 500));
    await settle();
    release('b');
    input.end();
    await served;
    assert.deepEqual(started.map((s) => s.id), ['b']);
    assert.deepEqual(h.traced.map((t) => t.traceparent), ['trace-of-b']);
    assert.deepEqual([h.byId().get('a')?.error?.code, h.byId().get('a')?.error?.field], [status.INVALID_ARGUMENT, 'timeout_ms']);
  });

  it('serves each request as its unary method in the trace it carries, with its in-band failure', async () => {
    const h = harness();
    const { serve, release } = controlledServe();
    const input = pushedRequests();
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options('wait', 4, serve));
    input.push(request('a'));
    input.push(request('b'));
    await settle();
    release('a');
    release('b', new DlrsError('NOT_FOUND', 'no such thing'));
    input.end();
    await served;
    assert.deepEqual(h.traced, [
      { path: '/test.v1.Test/Get', traceparent: 'trace-of-a', failure: undefined },
      { path: '/test.v1.Test/Get', traceparent: 'trace-of-b', failure: { code: status.NOT_FOUND, message: 'no such thing', field: '' } },
    ]);
  });

  it('sends an unexpected failure as INTERNAL without its text and logs it with the request id', async () => {
    const h = harness();
    const input = pushedRequests();
    const served = serveMultiplexedStream(input.requests, writerOf(h), h.call, options('wait', 4, () => Promise.reject(new Error('secret detail at 10.0.0.7'))));
    input.push(request('a'));
    input.end();
    await served;
    assert.equal(h.answers[0].error?.code, status.INTERNAL);
    assert.doesNotMatch(h.answers[0].error?.message ?? '', /secret/);
    const logged = h.sink.find('stream request failed unexpectedly');
    assert.equal(logged.length, 1);
    assert.equal(logged[0].requestId, 'a');
  });

  it('logs an answer it could not write while the call lives, and ends once every request is settled', async () => {
    const h = harness();
    const input = pushedRequests();
    const writer = { write: () => Promise.reject(new DlrsError('UNAVAILABLE', 'transport gone')) };
    const served = serveMultiplexedStream(input.requests, writer, h.call, options('reject', 1, async (r) => ({ requestId: r.requestId, value: 'x' })));
    input.push(request('a'));
    input.end();
    await served;
    const logged = h.sink.find('could not write a stream answer');
    assert.deepEqual(logged.map((line) => [line.requestId, line.stream]), [['a', 'TestStream']]);
  });

  it('passes the call\'s signal to the handler and writes nothing to a call that is gone', async () => {
    const controller = new AbortController();
    const h = harness(Number.POSITIVE_INFINITY, controller.signal);
    const input = pushedRequests();
    let seen: AbortSignal | undefined;
    const writer = { write: () => Promise.reject(new DlrsError('CANCELLED', 'gone')) };
    const served = serveMultiplexedStream(input.requests, writer, h.call, options('wait', 1, async (r, _deadline, signal) => {
      seen = signal;
      controller.abort();
      return { requestId: r.requestId };
    }));
    input.push(request('a'));
    input.end();
    await served;
    assert.equal(seen, controller.signal);
    assert.equal(h.sink.find('could not write a stream answer').length, 0, 'a write to a call that is gone is no news');
  });
});
