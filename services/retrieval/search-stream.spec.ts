import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import type { SearchRequest__Output } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { createLogger } from '../../shared/logging/index.js';
import { serveSearchStream } from './search-stream.js';
import type { SearchStreamOptions, StreamSearch } from './search-stream.js';

function request(requestId: string, timeoutMs = 0): SearchRequest__Output {
  return { requestId, dim: 2, queries: Buffer.alloc(8), k: 1, includeEmbeddings: false, modelVersion: '', excludeIds: [], filter: null, timeoutMs, traceContext: {} };
}

/** A search that answers only when the test releases it, recording what it was asked. */
function controlledSearch(): { search: StreamSearch; started: { id: string; deadlineAtMs: number }[]; release: (id: string, error?: Error) => void } {
  const waiting = new Map<string, { resolve: (response: SearchResponse) => void; reject: (error: Error) => void }>();
  const started: { id: string; deadlineAtMs: number }[] = [];
  return {
    started,
    search: (req, deadlineAtMs) => {
      started.push({ id: req.requestId, deadlineAtMs });
      return new Promise((resolve, reject) => waiting.set(req.requestId, { resolve, reject }));
    },
    release: (id, error) => {
      const entry = waiting.get(id);
      assert.ok(entry, `${id} is being searched`);
      if (error) entry.reject(error);
      else entry.resolve({ requestId: id, modelVersion: 'v1', results: [] });
    },
  };
}

const options = (maxInFlight: number): SearchStreamOptions => ({
  maxInFlight,
  logger: createLogger({ level: 'silent' }),
  signal: new AbortController().signal,
  streamRequest: (_path, _trace, work) => work(),
});

/** Feeds requests one at a time, each after the previous was taken up, and collects the answers. */
async function* feed(requests: SearchRequest__Output[], between: (index: number) => Promise<void>): AsyncIterable<SearchRequest__Output> {
  for (const [i, r] of requests.entries()) {
    await between(i);
    yield r;
  }
}

describe('serveSearchStream', () => {
  it('runs several searches at once, refuses those beyond the bound with RESOURCE_EXHAUSTED, and answers each by id', async () => {
    const { search, started, release } = controlledSearch();
    const answers: SearchStreamResponse[] = [];
    const writer = { write: async (answer: SearchStreamResponse) => void answers.push(answer) };
    const served = serveSearchStream(feed([request('a'), request('b'), request('c'), request('d')], async () => undefined), writer, search, options(2));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started.map((s) => s.id), ['a', 'b'], 'a and b run at the same time');
    release('b');
    release('a', new DlrsError('INVALID_ARGUMENT', 'bad k', { field: 'k' }));
    await served;
    const byId = new Map(answers.map((answer) => [answer.requestId, answer]));
    assert.equal(answers.length, 4);
    assert.equal(byId.get('b')?.response?.requestId, 'b');
    assert.deepEqual([byId.get('a')?.error?.code, byId.get('a')?.error?.field], [status.INVALID_ARGUMENT, 'k'], 'a failure is the request\'s own');
    for (const id of ['c', 'd']) assert.equal(byId.get(id)?.error?.code, status.RESOURCE_EXHAUSTED, `${id} is refused while a and b run`);
  });

  it('takes new searches again once one finished', async () => {
    const { search, started, release } = controlledSearch();
    const answers: SearchStreamResponse[] = [];
    const writer = { write: async (answer: SearchStreamResponse) => void answers.push(answer) };
    const served = serveSearchStream(
      feed([request('a'), request('b')], async (i) => {
        if (i === 1) {
          release('a');
          while (answers.length === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      }),
      writer,
      search,
      options(1),
    );
    while (started.length < 2) await new Promise((resolve) => setImmediate(resolve));
    release('b');
    await served;
    assert.deepEqual(answers.map((a) => [a.requestId, a.response === undefined ? 'error' : 'response']), [['a', 'response'], ['b', 'response']]);
  });

  it('gives each request its own deadline from its timeout_ms, none without one', async () => {
    const { search, started, release } = controlledSearch();
    const writer = { write: async () => undefined };
    const before = Date.now();
    const served = serveSearchStream(feed([request('a', 250), request('b')], async () => undefined), writer, search, options(4));
    while (started.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const after = Date.now();
    release('a');
    release('b');
    await served;
    assert.ok(started[0].deadlineAtMs >= before + 250 && started[0].deadlineAtMs <= after + 250, `deadline ${started[0].deadlineAtMs - before} ms after the start`);
    assert.equal(started[1].deadlineAtMs, Number.POSITIVE_INFINITY);
  });
});
