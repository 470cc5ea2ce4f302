// The client side of the RPC bench, run as its own process so that client and server
// do not share an event loop: sends the bench queries to a retrieval shard through
// the Search RPC (one in flight) and/or SearchStream (several in flight) and prints the timings as JSON.
// Usage: node --import tsx bench/retrieval/search-load.ts --port P --queries Q --dim D --k K
//        [--in-flight 16] [--calls unary,stream] [--requests N (default Q, queries cycled)] [--exclude E]
import { credentials } from '@grpc/grpc-js';
import { parseArgs } from 'node:util';
import type { SearchStreamResponse__Output } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { summarise } from './measure.js';
import type { Timing } from './measure.js';
import { clusteredVectors } from './synthetic-vectors.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    queries: { type: 'string' },
    dim: { type: 'string' },
    k: { type: 'string' },
    'in-flight': { type: 'string', default: '16' },
    calls: { type: 'string', default: 'unary,stream' },
    requests: { type: 'string' },
    // Ids excluded per request, as the gateway excludes a user's recent items.
    exclude: { type: 'string', default: '0' },
  },
});
const [port, queryCount, dim, k, inFlight] = [values.port, values.queries, values.dim, values.k, values['in-flight']].map(Number);
const requestCount = Number(values.requests ?? queryCount);
const excludeCount = Number(values.exclude);
const calls = new Set(values.calls.split(','));
const queries = clusteredVectors(queryCount, dim, 1, 2);
const client = new (loadProtos().grpcObject.dlrs.v1.Retrieval)(`127.0.0.1:${port}`, credentials.createInsecure());
const request = (i: number) => {
  const q = i % queryCount;
  const excludeIds = Array.from({ length: excludeCount }, (_, e) => `item-${(i * 7919 + e * 104_729) % 1_000_000}`);
  return { requestId: `r${i}`, dim, queries: Buffer.from(queries.vectors.buffer, q * dim * 4, dim * 4), k, includeEmbeddings: true, excludeIds };
};

async function unaryCalls(): Promise<Timing> {
  const latencies = new Float64Array(requestCount);
  const started = performance.now();
  for (let i = 0; i < requestCount; i++) {
    const t = performance.now();
    await new Promise<void>((resolve, reject) => client.Search(request(i), (error) => (error ? reject(error) : resolve())));
    latencies[i] = performance.now() - t;
  }
  return summarise(latencies, performance.now() - started);
}

async function streamCalls(): Promise<Timing> {
  const started = performance.now();
  const stream = client.SearchStream();
  const sentAt = new Float64Array(requestCount);
  const latencies = new Float64Array(requestCount);
  let next = 0;
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    const send = (): void => {
      sentAt[next] = performance.now();
      stream.write(request(next++));
    };
    stream.on('data', (answer: SearchStreamResponse__Output) => {
      const i = Number(answer.requestId.slice(1));
      latencies[i] = performance.now() - sentAt[i];
      if (answer.error) reject(new Error(answer.error.message));
      if (++received === requestCount) resolve();
      else if (next < requestCount) send();
    });
    stream.on('error', reject);
    while (next < Math.min(inFlight, requestCount)) send();
  });
  stream.end();
  return summarise(latencies, performance.now() - started);
}

const cpuAtStart = process.cpuUsage();
const unary = calls.has('unary') ? await unaryCalls() : undefined;
const stream = calls.has('stream') ? await streamCalls() : undefined;
client.close();
const cpu = process.cpuUsage(cpuAtStart);
const clientCpuUsPerRpc = (cpu.user + cpu.system) / (calls.size * requestCount);
process.stdout.write(`${JSON.stringify({ unary, stream, clientCpuUsPerRpc })}\n`);
