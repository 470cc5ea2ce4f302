// The client side of the RPC bench, run as its own process so that client and server
// do not share an event loop: sends the bench queries to a retrieval shard through
// the Search RPC (one in flight) and SearchStream (several in flight) and prints the timings as JSON.
// Usage: node --import tsx bench/retrieval/search-load.ts PORT QUERIES DIM K IN_FLIGHT
import { credentials } from '@grpc/grpc-js';
import type { SearchStreamResponse__Output } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { summarise } from './measure.js';
import { clusteredVectors } from './synthetic-vectors.js';

const [port, queryCount, dim, k, inFlight] = process.argv.slice(2).map(Number);
const queries = clusteredVectors(queryCount, dim, 1, 2);
const client = new (loadProtos().grpcObject.dlrs.v1.Retrieval)(`127.0.0.1:${port}`, credentials.createInsecure());
const request = (q: number) => ({ requestId: `q${q}`, dim, queries: Buffer.from(queries.vectors.buffer, q * dim * 4, dim * 4), k, includeEmbeddings: true });

const cpuAtStart = process.cpuUsage();
const unaryLatencies = new Float64Array(queryCount);
let started = performance.now();
for (let q = 0; q < queryCount; q++) {
  const t = performance.now();
  await new Promise<void>((resolve, reject) => client.Search(request(q), (error) => (error ? reject(error) : resolve())));
  unaryLatencies[q] = performance.now() - t;
}
const unary = summarise(unaryLatencies, performance.now() - started);

started = performance.now();
const stream = client.SearchStream();
const sentAt = new Float64Array(queryCount);
const streamLatencies = new Float64Array(queryCount);
let next = 0;
let received = 0;
await new Promise<void>((resolve, reject) => {
  const send = (): void => {
    sentAt[next] = performance.now();
    stream.write(request(next++));
  };
  stream.on('data', (answer: SearchStreamResponse__Output) => {
    const q = Number(answer.requestId.slice(1));
    streamLatencies[q] = performance.now() - sentAt[q];
    if (answer.error) reject(new Error(answer.error.message));
    if (++received === queryCount) resolve();
    else if (next < queryCount) send();
  });
  stream.on('error', reject);
  while (next < Math.min(inFlight, queryCount)) send();
});
stream.end();
const streamed = summarise(streamLatencies, performance.now() - started);
client.close();
const cpu = process.cpuUsage(cpuAtStart);
const clientCpuUsPerRpc = (cpu.user + cpu.system) / (2 * queryCount);
process.stdout.write(`${JSON.stringify({ unary, stream: streamed, clientCpuUsPerRpc })}\n`);
