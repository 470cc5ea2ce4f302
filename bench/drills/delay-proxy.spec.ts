import assert from 'node:assert/strict';
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { startDelayProxy } from './delay-proxy.js';
import type { DelayProxy } from './delay-proxy.js';

/** Sends `text` through the proxy to the echo server; resolves with the echo and how long it took. */
async function roundTrip(proxy: DelayProxy, text: string): Promise<{ echo: string; elapsedMs: number }> {
  const [host, port] = proxy.address.split(':');
  const socket: Socket = connect(Number(port), host);
  try {
    const startedMs = Date.now();
    const echo = await new Promise<string>((resolve, reject) => {
      socket.once('error', reject);
      socket.once('data', (chunk) => resolve(chunk.toString()));
      socket.write(text);
    });
    return { echo, elapsedMs: Date.now() - startedMs };
  } finally {
    socket.destroy();
  }
}

describe('startDelayProxy', () => {
  let echoServer: Server;
  let proxy: DelayProxy;

  beforeEach(async () => {
    echoServer = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echoServer.listen(0, '127.0.0.1', () => resolve()));
    proxy = await startDelayProxy(`127.0.0.1:${(echoServer.address() as { port: number }).port}`);
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => echoServer.close(() => resolve()));
  });

  it('passes bytes both ways at once when no delay is set', async () => {
    const { echo } = await roundTrip(proxy, 'hello');
    assert.equal(echo, 'hello');
    assert.equal(proxy.takeMaxPendingChunks(), 0);
  });

  it('holds the bytes to the target for at least the delay, counting them as pending meanwhile', async () => {
    proxy.setDelayMs(150);
    const { echo, elapsedMs } = await roundTrip(proxy, 'slow');
    assert.equal(echo, 'slow');
    assert.ok(elapsedMs >= 150, `the echo came back after ${elapsedMs} ms`);
    assert.equal(proxy.takeMaxPendingChunks(), 1);
    assert.equal(proxy.pendingChunks, 0);
  });
});
