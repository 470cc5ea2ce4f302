import type { Readable } from 'node:stream';

/** Pause reading from the client when this many requests wait unread; HTTP/2 flow control then slows the client. */
const PAUSE_AT_QUEUED_REQUESTS = 64;
/** Resume reading once the handler has caught up to this many. */
const RESUME_AT_QUEUED_REQUESTS = 16;

/**
 * The requests of a server stream as an async iterable. It ends when the
 * client half-closes, or when `signal` aborts (cancel, deadline, shutdown),
 * so a handler's `for await` loop never hangs on a dead call.
 */
export function streamRequests<T>(stream: Readable, signal: AbortSignal): AsyncIterable<T> {
  const queued: T[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  stream.on('data', (message: T) => {
    queued.push(message);
    if (queued.length >= PAUSE_AT_QUEUED_REQUESTS) stream.pause();
    notify();
  });
  stream.once('end', () => {
    ended = true;
    notify();
  });
  stream.once('error', (error: unknown) => {
    failure ??= error;
    notify();
  });
  signal.addEventListener('abort', notify, { once: true });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (failure !== undefined) throw failure;
        if (signal.aborted) return;
        const next = queued.shift();
        if (next !== undefined) {
          if (stream.isPaused() && queued.length <= RESUME_AT_QUEUED_REQUESTS) stream.resume();
          yield next;
        } else if (ended) {
          return;
        } else {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
    },
  };
}
