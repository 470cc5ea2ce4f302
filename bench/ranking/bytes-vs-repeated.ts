// Embeddings as bytes vs `repeated float` (and float16 bytes): calls/s a grpc-js server answers
// when each call carries rows × dim values, measured from a client in another process.
//   node --import tsx bench/ranking/bytes-vs-repeated.ts [--rows 1000] [--dim 64] [--seconds 3] [--concurrency 16]
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { decodeHalf, encodeHalf } from './half-float.js';

const PROTO = fileURLToPath(new URL('./embedding-transport.proto', import.meta.url));

interface BytesBlock {
  rows: number;
  dim: number;
  values: Buffer;
  half: boolean;
}
interface FloatBlock {
  rows: number;
  dim: number;
  values: number[];
}
interface Ack {
  count: number;
  checksum: number;
}
interface CpuUsage {
  userUs: number;
  systemUs: number;
}
type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
interface TransportClient extends grpc.Client {
  SendBytes(request: BytesBlock, callback: Callback<Ack>): void;
  SendFloats(request: FloatBlock, callback: Callback<Ack>): void;
  Cpu(request: object, callback: Callback<CpuUsage>): void;
}

function loadService(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, defaults: true });
  const bench = (grpc.loadPackageDefinition(definition).dlrs as grpc.GrpcObject).bench as grpc.GrpcObject;
  return bench.EmbeddingTransport as grpc.ServiceClientConstructor;
}

/** Sums the decoded values, so that the server really reads what it received. */
function checksum(values: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < values.length; k += 64) sum += values[k];
  return sum;
}

async function serve(): Promise<void> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  server.addService(loadService().service, {
    SendBytes(call: grpc.ServerUnaryCall<BytesBlock, Ack>, callback: grpc.sendUnaryData<Ack>) {
      const { values, half } = call.request;
      const floats = half ? decodeHalf(values) : new Float32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
      callback(null, { count: floats.length, checksum: checksum(floats) });
    },
    SendFloats(call: grpc.ServerUnaryCall<FloatBlock, Ack>, callback: grpc.sendUnaryData<Ack>) {
      const floats = Float32Array.from(call.request.values);
      callback(null, { count: floats.length, checksum: checksum(floats) });
    },
    Cpu(_call: grpc.ServerUnaryCall<object, CpuUsage>, callback: grpc.sendUnaryData<CpuUsage>) {
      const usage = process.cpuUsage();
      callback(null, { userUs: usage.user, systemUs: usage.system });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  process.send?.({ port });
}

function call<T>(invoke: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => invoke((error, value) => (error ? reject(error) : resolve(value as T))));
}

async function measure(client: TransportClient, variant: string, send: () => Promise<Ack>, seconds: number, concurrency: number): Promise<void> {
  for (let k = 0; k < 50; k += 1) await send();
  const before = await call<CpuUsage>((cb) => client.Cpu({}, cb));
  const startMs = performance.now();
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - startMs < seconds * 1000) {
        await send();
        calls += 1;
      }
    }),
  );
  const wallS = (performance.now() - startMs) / 1000;
  const after = await call<CpuUsage>((cb) => client.Cpu({}, cb));
  const serverCpuS = (after.userUs + after.systemUs - before.userUs - before.systemUs) / 1e6;
  console.log(`${variant.padEnd(16)} ${String(Math.round(calls / wallS)).padStart(8)} calls/s  ${String(Math.round(calls / serverCpuS)).padStart(8)} calls per server CPU-second`);
}

async function drive(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000' }, dim: { type: 'string', default: '64' }, seconds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' } },
  });
  const rows = Number(values.rows);
  const dim = Number(values.dim);
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx', '--no-warnings'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
  const Client = loadService();
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 64 * 1024 * 1024 }) as unknown as TransportClient;
  const embeddings = Float32Array.from({ length: rows * dim }, () => Math.random() * 2 - 1);
  const f32 = Buffer.from(embeddings.buffer);
  const f16 = encodeHalf(embeddings);
  const list = Array.from(embeddings);
  console.log(`${rows} x ${dim} float32 per call, ${values.concurrency} calls in flight, ${values.seconds} s each; server in its own process`);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  await measure(client, 'bytes float32', () => call((cb) => client.SendBytes({ rows, dim, values: f32, half: false }, cb)), seconds, concurrency);
  await measure(client, 'bytes float16', () => call((cb) => client.SendBytes({ rows, dim, values: f16, half: true }, cb)), seconds, concurrency);
  await measure(client, 'bytes float16+enc', () => call((cb) => client.SendBytes({ rows, dim, values: encodeHalf(embeddings), half: true }, cb)), seconds, concurrency);
  await measure(client, 'repeated float', () => call((cb) => client.SendFloats({ rows, dim, values: list }, cb)), seconds, concurrency);
  client.close();
  child.kill();
}

if (process.argv.includes('--serve')) await serve();
else await drive();
