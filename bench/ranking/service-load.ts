// The ranking service under load from a separate client process: scores/s and p50/p99 latency of
// Rank (unary) and RankStream at several concurrencies, with batching on and off (or, with
// --call embed, users/s of EmbedUsers, one gateway-like profile per request; with --call recommend,
// what one Recommend asks of ranking: EmbedUsers of one profile, then Rank of its candidates), and the
// server's event-loop delay p99, and where the CPU went per call: the client process, the server
// process, its main thread (CPU time of the thread where Linux tells it, else its busy time), its
// other threads (process minus main: inference workers, onnxruntime, GC helpers), the wall
// time of the inference runs, and the main thread's scavenges (minor GCs) per 1,000 calls. Mode `echo`
// answers without parsing or inference: the gRPC transport's ceiling for requests of this size.
//   node --import tsx bench/ranking/service-load.ts [--bundle DIR] [--dim 64] [--candidates 300] [--seconds 3] [--concurrency 1,8,64,256]
//     [--call rank|embed|recommend] [--top-k 10] [--profile-events 5-60] [--modes on,delay,off,echo] [--transports unary,stream] [--encoding float32|float16]
//     [--cpu-prof DIR] (V8 CPU profiles of the server's threads into DIR) [--server-node-flags=--max-semi-space-size=64]
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import type { RankingClient } from '../../shared/generated/dlrs/v1/Ranking.js';
import type { RankRequest } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankStreamResponse__Output } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { createGrpcClient } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import type { EmbedUsersRequest } from '../../shared/generated/dlrs/v1/EmbedUsersRequest.js';
import type { BatchTotals, BenchServerStats } from './bench-server.js';
import { PROFILE_EVENTS, benchProfiles } from './bench-profiles.js';
import { encodeHalf } from './half-float.js';

/** How long the idle server's event-loop delay is sampled before the runs. */
const IDLE_SAMPLE_MS = 1000;

/** Distinct profiles the EmbedUsers callers cycle through. */
const PROFILE_COUNT = 512;

function meanBatchRows(totals: BatchTotals | undefined): string {
  return totals === undefined || totals.batches === 0 ? '-' : (totals.rows / totals.batches).toFixed(1);
}

const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    dim: { type: 'string', default: '64' },
    candidates: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,8,64,256' },
    call: { type: 'string', default: 'rank' },
    'top-k': { type: 'string', default: '10' },
    'profile-events': { type: 'string', default: `${PROFILE_EVENTS.min}-${PROFILE_EVENTS.max}` },
    encoding: { type: 'string', default: 'float32' },
    modes: { type: 'string', default: 'on,delay,off,echo' },
    transports: { type: 'string', default: 'unary,stream' },
    'cpu-prof': { type: 'string' },
    'server-node-flags': { type: 'string', default: '' },
  },
});
const dim = Number(values.dim);
const candidates = Number(values.candidates);
const seconds = Number(values.seconds);
const concurrencies = values.concurrency.split(',').map(Number);
const transports = values.transports.split(',').filter((t): t is 'unary' | 'stream' => t === 'unary' || t === 'stream');

/**
 * Batching on: the service defaults (flush as soon as a worker is free). Delay: on, and rows wait
 * up to 1 ms for company. Off: every request runs alone (a batch never holds more than one
 * request). Echo: no service at all.
 */
const MODES: Record<string, { env: Record<string, string>; args: string[] }> = {
  on: { env: {}, args: [] },
  delay: { env: { DLRS_MAX_QUEUE_DELAY_US: '1000' }, args: [] },
  off: { env: { DLRS_MAX_BATCH_ROWS: '1' }, args: [] },
  echo: { env: {}, args: ['--echo'] },
};

const random = (length: number): Float32Array => Float32Array.from({ length }, () => Math.random() * 2 - 1);
if (values.encoding !== 'float32' && values.encoding !== 'float16') throw new Error(`--encoding takes float32 or float16, got ${values.encoding}`);
if (values.encoding === 'float16' && values.modes !== 'echo') throw new Error('--encoding float16 runs against --modes echo only: the service reads float32 embeddings');
/** The embeddings' bytes as the request carries them. */
const embeddingBytes = (values32: Float32Array): Buffer => (values.encoding === 'float16' ? encodeHalf(values32) : Buffer.from(values32.buffer));
const request: RankRequest = {
  dim,
  userEmbedding: embeddingBytes(random(dim)),
  userBias: 0.1,
  itemEmbeddings: embeddingBytes(random(candidates * dim)),
  itemBiases: Buffer.from(random(candidates).buffer),
  topK: Number(values['top-k']),
};
if (values.call !== 'rank' && values.call !== 'embed' && values.call !== 'recommend') throw new Error(`--call takes rank, embed or recommend, got ${values.call}`);
/** EmbedUsers calls only; with `recommend`, each call is an EmbedUsers then a Rank. */
const embed = values.call === 'embed';
const recommend = values.call === 'recommend';
if ((embed || recommend) && values.bundle === undefined) throw new Error(`--call ${values.call} needs --bundle: profiles are built from its items and feature spec`);
const [minEvents, maxEvents = minEvents] = values['profile-events'].split('-').map(Number);
const profiles = embed || recommend ? await benchProfiles(values.bundle as string, PROFILE_COUNT, { min: minEvents, max: maxEvents }) : [];
/** Rows per request: candidates scored, or users embedded (a Recommend counts its candidates). */
const rowsPerCall = embed ? 1 : candidates;
/** The request of the n-th call. */
const embedRequest = (n: number): EmbedUsersRequest => ({ profiles: [profiles[n % profiles.length]] });

async function startServer({ env, args: modeArgs }: { env: Record<string, string>; args: string[] }): Promise<{ child: ChildProcess; port: number }> {
  const args = ['--dim', String(dim), ...(values.bundle === undefined ? [] : ['--bundle', values.bundle]), ...modeArgs];
  const child = fork(fileURLToPath(new URL('./bench-server.ts', import.meta.url)), args, {
    execArgv: [
      '--import',
      'tsx',
      '--no-warnings',
      ...(values['cpu-prof'] === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']]),
      ...values['server-node-flags'].split(' ').filter((flag) => flag !== ''),
    ],
    env: { ...process.env, DLRS_HOST: '127.0.0.1', DLRS_PORT: '0', DLRS_METRICS_PORT: '0', DLRS_MAX_QUEUE_ROWS: '1000000', ...env },
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, port: message.port };
}

async function serverStats(child: ChildProcess): Promise<BenchServerStats> {
  child.send('stats');
  const [message] = (await once(child, 'message')) as [BenchServerStats];
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
  let next = 0;
  const deadline = (): { deadline: number } => ({ deadline: Date.now() + 30_000 });
  const embedUsers = (): Promise<void> =>
    new Promise((resolve, reject) => client.EmbedUsers(embedRequest(next++), deadline(), (error) => (error ? reject(error) : resolve())));
  const rank = (): Promise<void> => new Promise((resolve, reject) => client.Rank(request, deadline(), (error) => (error ? reject(error) : resolve())));
  if (recommend) return async () => embedUsers().then(rank);
  return embed ? embedUsers : rank;
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
  const send = (embedUsers: boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const requestId = String(next++);
      waiting.set(requestId, { resolve, reject });
      stream.write(embedUsers ? { requestId, embedUsers: embedRequest(next) } : { requestId, rank: request });
    });
  return {
    call: recommend ? async () => send(true).then(() => send(false)) : () => send(embed),
    close: () => stream.end(),
  };
}

const profileWhat = `1 profile of ${PROFILE_COUNT} built from the bundle's items (${minEvents}-${maxEvents} events each)`;
const rankWhat = `Rank with ${candidates} candidates (embeddings as ${values.encoding}), top_k ${request.topK}`;
const what = embed ? `EmbedUsers with ${profileWhat}` : recommend ? `Recommend: EmbedUsers with ${profileWhat}, then ${rankWhat}` : rankWhat;
console.log(`${what}, d=${dim}, ${values.bundle ?? 'contract-shaped RankNet (random weights)'}, ${seconds} s per cell, client in this process, server in its own`);
console.log('                                                                            server loop  |  CPU ms per call            | run ms | rows per | scavenges per 1k calls');
console.log(`mode          transport  conc   ${embed ? ' users/s' : 'scores/s'}   calls/s   p50_ms   p99_ms  errors  p99_ms max_ms | client server   main  other |  infer | batch    |  count  pause_ms`);
const Ranking = loadProtos().grpcObject.dlrs.v1.Ranking;
for (const mode of values.modes.split(',')) {
  const settings = MODES[mode];
  if (settings === undefined) throw new Error(`--modes takes ${Object.keys(MODES).join(', ')}, got ${mode}`);
  const { child, port } = await startServer(settings);
  // The floor under every loop figure below: the delay of the server's loop with no calls at all (the machine's own contention).
  await serverStats(child);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  const idle = await serverStats(child);
  console.log(`${mode}: server idle for ${IDLE_SAMPLE_MS} ms: loop p99 ${idle.eventLoopP99Ms.toFixed(2)} ms, max ${idle.eventLoopMaxMs.toFixed(1)} ms (load average ${loadavg().map((v) => v.toFixed(2)).join(' ')})`);
  const client = createGrpcClient(Ranking, { addresses: `127.0.0.1:${port}`, maxMessageBytes: 64 * 1024 * 1024 });
  for (const transport of transports) {
    for (const concurrency of concurrencies) {
      const stream = transport === 'stream' ? streamCall(client) : undefined;
      const call = stream?.call ?? unaryCall(client);
      await drive(concurrency, 500, call);
      await serverStats(child);
      const clientCpu = process.cpuUsage();
      const { calls, latency, errors } = await drive(concurrency, seconds * 1000, call);
      const clientCpuUs = process.cpuUsage(clientCpu);
      const server = await serverStats(child);
      stream?.close();
      const perCall = (ms: number): string => (ms / Math.max(1, calls)).toFixed(3).padStart(6);
      const row = [
        (mode === 'echo' ? 'echo' : mode === 'delay' ? 'batch 1ms' : `batching ${mode}`).padEnd(13),
        transport.padEnd(9),
        String(concurrency).padStart(4),
        String(Math.round((calls * rowsPerCall) / seconds)).padStart(10),
        String(Math.round(calls / seconds)).padStart(9),
        (latency.getValueAtPercentile(50) / 1000).toFixed(2).padStart(8),
        (latency.getValueAtPercentile(99) / 1000).toFixed(2).padStart(8),
        String(errors).padStart(7),
        server.eventLoopP99Ms.toFixed(2).padStart(7),
        server.eventLoopMaxMs.toFixed(1).padStart(6),
        '|',
        perCall((clientCpuUs.user + clientCpuUs.system) / 1000),
        perCall(server.cpuMs),
        perCall(server.mainCpuMs ?? server.mainBusyMs),
        perCall(server.cpuMs - (server.mainCpuMs ?? server.mainBusyMs)),
        '|',
        perCall(server.inferenceMs),
        '|',
        meanBatchRows(server.batches[embed ? 'user' : 'rank']).padStart(6),
        '   |',
        ((1000 * server.scavenges) / Math.max(1, calls)).toFixed(1).padStart(6),
        ((1000 * server.scavengeMs) / Math.max(1, calls)).toFixed(1).padStart(8),
      ];
      console.log(row.join(' '));
    }
  }
  client.close();
  child.send('stop');
  await once(child, 'exit');
}
