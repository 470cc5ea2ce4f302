// The load generator of `dlrs bench load` in a process of its own, kept for the whole run: its
// event loop is busy at twice the capacity, and the drill's probe and timers must not wait on it
// (a probe answer would look late by the generator's lag). Run as a child (fork), it runs each
// LoadConfig it is sent and answers with the LoadResult.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { LoadConfig } from '../load/load-config.js';
import { runLoad } from '../load/load-runner.js';
import type { LoadResult } from '../load/load-runner.js';

type Request = { id: number; config: LoadConfig };
type Reply = { id: number; result: LoadResult } | { id: number; error: string };

/** Runs loads in the child process. */
export interface LoadProcess {
  run(config: LoadConfig): Promise<LoadResult>;
  /** Ends the process; safe to call twice. */
  close(): Promise<void>;
}

/** Starts the generator process. */
export function spawnLoadProcess(): LoadProcess {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const waiting = new Map<number, { resolve(result: LoadResult): void; reject(error: Error): void }>();
  child.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ('result' in reply) pending?.resolve(reply.result);
    else pending?.reject(new Error(reply.error));
  });
  child.once('exit', (code, signal) => {
    for (const pending of waiting.values()) pending.reject(new Error(`the load generator process ended (${signal ?? code})`));
    waiting.clear();
  });
  return {
    run(config) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, { resolve, reject });
        child.send({ id, config } satisfies Request);
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function serveAsChild(): void {
  const send = (reply: Reply): void => void process.send?.(reply);
  process.on('message', (request: Request) => {
    runLoad(request.config).then(
      (result) => send({ id: request.id, result }),
      (error: unknown) => send({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) serveAsChild();
