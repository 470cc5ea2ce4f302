// The delay proxy in a process of its own, so that it relays at the pace of a separate program
// rather than at the pace of the drill's own event loop, which runs the load generator.
// Run as a child (fork) it takes its target from argv and answers messages on the IPC channel.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startDelayProxy } from './delay-proxy.js';

/** The proxy process's side of the IPC channel. */
type CommandBody = { op: 'setDelay'; delayMs: number } | { op: 'takeMaxPending' };
type Command = CommandBody & { id: number };
type Reply = { id: number; value: number } | { address: string };

/** A delay proxy in a child process: the same controls, asynchronous. */
export interface DelayProxyProcess {
  /** `127.0.0.1:port` to dial instead of the target. */
  readonly address: string;
  /** Bytes sent to the target from now on wait this long (0: passed on at once). */
  setDelayMs(delayMs: number): Promise<void>;
  /** The most chunks that waited at once since the last call; resets the count. */
  takeMaxPendingChunks(): Promise<number>;
  /** Ends the process (and every connection through it). */
  close(): Promise<void>;
}

/** Starts the proxy process in front of `target` (`host:port`) and waits for its address. */
export async function spawnDelayProxy(target: string): Promise<DelayProxyProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [target], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [first] = (await once(child, 'message')) as [Reply];
  if (!('address' in first)) throw new Error('the delay proxy process did not report its address');
  let nextId = 0;
  const waiting = new Map<number, (value: number) => void>();
  child.on('message', (reply: Reply) => {
    if ('id' in reply) waiting.get(reply.id)?.(reply.value);
  });
  const ask = (command: CommandBody): Promise<number> =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, (value) => {
        waiting.delete(id);
        resolve(value);
      });
      child.send({ ...command, id });
    });
  return {
    address: first.address,
    async setDelayMs(delayMs) {
      await ask({ op: 'setDelay', delayMs });
    },
    takeMaxPendingChunks: () => ask({ op: 'takeMaxPending' }),
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function serveAsChild(target: string): Promise<void> {
  const proxy = await startDelayProxy(target);
  const send = (reply: Reply): void => void process.send?.(reply);
  process.on('message', (command: Command) => {
    if (command.op === 'setDelay') {
      proxy.setDelayMs(command.delayMs);
      send({ id: command.id, value: 0 });
    } else send({ id: command.id, value: proxy.takeMaxPendingChunks() });
  });
  // The drill going away (even by a crash) ends the proxy too.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
  send({ address: proxy.address });
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) await serveAsChild(process.argv[2]);
