// The ranking service under load from a separate client process: scores/s and p50/p99 latency of
// Rank (unary) and RankStream at several concurrencies, with batching on and off, and the
// server's event-loop delay p99.
//   node --import tsx bench/ranking/service-load.ts [--bundle DIR] [--dim 64] [--candidates 300] [--seconds 3] [--concurrency 1,8,64,256]
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankRequest } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankStreamResponse__Output } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { createGrpcClient } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    dim: { type: 'string', default: '64' },
    candidates: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,8,64,256' },
  },
});
const dim = Number(values.dim);
const candidates = Number(values.candidates);
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map(Number);

/** Batching on: the service defaults. Off: every request runs alone (a batch never holds more than one request). */
const MODES: Record<string, Record<string, string>> = {
  'batching on': {},
  'batching off': { DLRS_MAX_BATCH_ROWS: '1' },
};

const random = (length: number): Float32Array => Float32Array.from({ length }, () => Math.random() * 2 - 1);
const request: RankRequest = {
  dim,
  userEmbedding: Buffer.from(random(dim).buffer),
  userBias: 0.1,
  itemEmbeddings: Buffer.from(random(candidates * dim).buffer),
  itemBiases: Buffer.from(random(candidates).buffer),
};

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const args = ['--dim', String(dim), ...(values.bundle === undefined ? [] : ['--bundle', values.bundle])];
  const child = fork(fileURLToPath(new URL('./bench-server.ts', import.meta.url)), args, {
    execArgv: ['--import', 'tsx', '--no-warnings'],
    env: { ...process.env, DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_MAX_QUEUE_ROWS: '1000000', ...env },
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, port: message.port };
}

async function serverStats(child: ChildProcess): Promise<{ eventLoopP99Ms: number; cpuMs: number }> {
  child.send('stats');
  const [message] = (await once(child, 'message')) as [{ eventLoopP99Ms: number; cpuMs: number }];
  return message;
}

/** Runs `concurrency` callers in a loop for `durationMs`; returns completed calls and their latencies. */
async function drive(concurrency: number, durationMs: number, call: () => Promise<void>): Promise<{ calls: number; latency: hdr.Histogram; errors: number }> {
  const latency = hdr.build({ numberOfSignificantValueDigits: 3 });
  let calls = 0;
  let errors = 0;
  const startMs = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - startMs < durationMs) {
        const t = performance.now();
        try {
          await call();
          latency.recordValue(Math.round((performance.now() - t) * 1000));
          calls += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { calls, latency, errors };
}

function unaryCall(client: RankingClient): () => Promise<void> {
  return () => new Promise((resolve, reject) => client.Rank(request, { deadline: Date.now() + 30_000 }, (error) => (error ? reject(error) : resolve())));
}

/** One RankStream shared by all callers, requests correlated by id. */
function streamCall(client: RankingClient): { call: () => Promise<void>; close(): void } {
  const stream = client.RankStream();
  const waiting = new Map<string, { resolve(): void; reject(error: Error): void }>();
  let next = 0;
  stream.on('data', (response: RankStreamResponse__Output) => {
    const waiter = waiting.get(response.requestId);
    waiting.delete(response.requestId);
    if (response.error) waiter?.reject(new Error(response.error.message));
    else waiter?.resolve();
  });
  stream.on('error', () => undefined);
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        const requestId = String(next++);
        waiting.set(requestId, { resolve, reject });
        stream.write({ requestId, rank: request });
      }),
    close: () => stream.end(),
  };
}

console.log(`Rank with ${candidates} candidates of d=${dim}, ${values.bundle ?? 'contract-shaped RankNet (random weights)'}, ${seconds} s per cell, client in this process, server in its own`);
console.log('mode          transport  conc   scores/s   calls/s   p50_ms   p99_ms  errors  loop_p99_ms  server_cpu_ms/call');
const Ranking = loadProtos().grpcObject.dlrs.v1.Ranking;
for (const [mode, env] of Object.entries(MODES)) {
  const { child, port } = await startServer(env);
  const client = createGrpcClient(Ranking, { addresses: `127.0.0.1:${port}`, maxMessageBytes: 64 * 1024 * 1024 });
  for (const transport of ['unary', 'stream'] as const) {
    for (const concurrency of concurrencies) {
      const stream = transport === 'stream' ? streamCall(client) : undefined;
      const call = stream?.call ?? unaryCall(client);
      await drive(concurrency, 500, call);
      await serverStats(child);
      const { calls, latency, errors } = await drive(concurrency, seconds * 1000, call);
      const { eventLoopP99Ms, cpuMs } = await serverStats(child);
      stream?.close();
      const row = [
        mode.padEnd(13),
        transport.padEnd(9),
        String(concurrency).padStart(4),
        String(Math.round((calls * candidates) / seconds)).padStart(10),
        String(Math.round(calls / seconds)).padStart(9),
        (latency.getValueAtPercentile(50) / 1000).toFixed(2).padStart(8),
        (latency.getValueAtPercentile(99) / 1000).toFixed(2).padStart(8),
        String(errors).padStart(7),
        eventLoopP99Ms.toFixed(2).padStart(10),
        (cpuMs / Math.max(1, calls)).toFixed(3).padStart(10),
      ];
      console.log(row.join(' '));
    }
  }
  client.close();
  child.send('stop');
  await once(child, 'exit');
}
