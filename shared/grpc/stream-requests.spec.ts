import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { streamRequests } from './stream-requests.js';

describe('streamRequests', () => {
  it('yields every request in order and ends when the client half-closes', async () => {
    const stream = new PassThrough({ objectMode: true });
    const requests = streamRequests<number>(stream, new AbortController().signal);
    for (let value = 0; value < 200; value += 1) stream.write(value);
    stream.end();
    const seen: number[] = [];
    for await (const value of requests) seen.push(value);
    assert.deepEqual(seen, Array.from({ length: 200 }, (_, index) => index));
  });

  it('pauses the source while the handler lags and resumes once it catches up', async () => {
    const stream = new PassThrough({ objectMode: true, highWaterMark: 1024 });
    const requests = streamRequests<number>(stream, new AbortController().signal)[Symbol.asyncIterator]();
    for (let value = 0; value < 100; value += 1) stream.write(value);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stream.isPaused(), true);
    for (let read = 0; read < 60; read += 1) await requests.next();
    assert.equal(stream.isPaused(), false);
  });

  it('ends the iteration when the call is aborted, even with no request pending', async () => {
    const stream = new PassThrough({ objectMode: true });
    const controller = new AbortController();
    const iterator = streamRequests<number>(stream, controller.signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort();
    assert.deepEqual(await pending, { done: true, value: undefined });
  });

  it('rethrows a stream error', async () => {
    const stream = new PassThrough({ objectMode: true });
    const iterator = streamRequests<number>(stream, new AbortController().signal)[Symbol.asyncIterator]();
    const pending = iterator.next();
    stream.destroy(new Error('connection reset'));
    await assert.rejects(pending, /connection reset/);
  });
});
