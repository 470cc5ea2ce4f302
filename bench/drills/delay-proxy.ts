import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** A TCP proxy that holds every byte sent to its target for an adjustable time (in this process). */
export interface DelayProxy {
  /** `127.0.0.1:port` to dial instead of the target. */
  readonly address: string;
  /** Bytes sent to the target from now on wait this long (0: passed on at once). */
  setDelayMs(delayMs: number): void;
  /** Chunks waiting to be passed on now. */
  readonly pendingChunks: number;
  /** The most chunks that waited at once since the last call; resets the count. */
  takeMaxPendingChunks(): number;
  close(): Promise<void>;
}

interface HeldChunk {
  dueMs: number;
  chunk: Buffer;
}

/**
 * Starts a proxy on a free loopback port in front of `target` (`host:port`). Bytes towards the
 * target are held for the current delay, in order per connection; answers come back at once.
 * A slow dependency seen from its caller, without a switch in the dependency's own code.
 */
export async function startDelayProxy(target: string): Promise<DelayProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let delayMs = 0;
  let pending = 0;
  let maxPending = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    const upstream = connect(port, host);
    track(client);
    track(upstream);
    const held: HeldChunk[] = [];
    let timer: NodeJS.Timeout | undefined;
    const release = (): void => {
      timer = undefined;
      const nowMs = Date.now();
      while (held.length > 0 && held[0].dueMs <= nowMs) {
        const next = held.shift() as HeldChunk;
        pending--;
        upstream.write(next.chunk);
      }
      if (held.length > 0) timer = setTimeout(release, held[0].dueMs - nowMs);
    };
    client.on('data', (chunk: Buffer) => {
      if (delayMs === 0 && held.length === 0) {
        upstream.write(chunk);
        return;
      }
      held.push({ dueMs: Date.now() + delayMs, chunk });
      pending++;
      maxPending = Math.max(maxPending, pending);
      timer ??= setTimeout(release, delayMs);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      pending -= held.length;
      held.length = 0;
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the delay proxy has no TCP port');
  return {
    address: `127.0.0.1:${address.port}`,
    setDelayMs(ms) {
      delayMs = ms;
    },
    get pendingChunks() {
      return pending;
    },
    takeMaxPendingChunks() {
      const max = maxPending;
      maxPending = pending;
      return max;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
