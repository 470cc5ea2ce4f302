// The load generator's own ceiling: `dlrs bench load`'s runner against a Recommender that does
// nothing (answers an empty RecommendResponse), served by a child process so that the server
// and the generator each have a core. Run: node --import tsx bench/load/echo-ceiling.ts
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { ServerDuplexStream, ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadProtos } from '../../shared/proto/index.js';
import { generatedUserRequests } from './generated-users.js';
import { resolveLoadConfig } from './load-config.js';
import type { LoadSettings } from './load-config.js';
import { formatLoadResult } from './load-report.js';
import { runLoad } from './load-runner.js';

interface Request { requestId: string }

/** Starts the do-nothing Recommender on 127.0.0.1 and resolves its port. */
async function serveEcho(): Promise<number> {
  const server = new Server();
  const implementation: UntypedServiceImplementation = {
    Recommend: (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => callback(null, { requestId: call.request.requestId }),
    RecommendStream: (call: ServerDuplexStream<Request, unknown>) => {
      call.on('data', (request: Request) => call.write({ requestId: request.requestId, response: { requestId: request.requestId } }));
      call.on('end', () => call.end());
    },
  };
  server.addService(loadProtos().grpcObject.dlrs.v1.Recommender.service, implementation);
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
}

if (process.argv.includes('--serve')) {
  const port = await serveEcho();
  process.send?.({ port });
} else {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--import', 'tsx', '--no-warnings'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const base: LoadSettings = { host: `127.0.0.1:${port}`, durationMs: 5000, warmupMs: 1000, timeoutMs: 5000, messages: generatedUserRequests({ users: 8, prefix: '', k: 10, candidates: 300 }) };
  const runs: LoadSettings[] = [
    { call: 'dlrs.v1.Recommender.Recommend', concurrency: 1, connections: 1 },
    { call: 'dlrs.v1.Recommender.Recommend', concurrency: 16, connections: 4 },
    { call: 'dlrs.v1.Recommender.Recommend', concurrency: 64, connections: 8 },
    { call: 'dlrs.v1.Recommender.Recommend', concurrency: 64, connections: 8, decodeAnswers: false, name: 'Recommend, answers not decoded' },
    { call: 'dlrs.v1.Recommender.RecommendStream', concurrency: 16, connections: 4 },
    { call: 'dlrs.v1.Recommender.Recommend', concurrency: 256, connections: 4, rps: 5000 },
  ];
  try {
    for (const run of runs) {
      // CPU time per call is the ceiling's measure that survives a busy machine: one core
      // drives about 1e6 / (µs per call) calls/s.
      const before = process.cpuUsage();
      const result = await runLoad(resolveLoadConfig(base, run));
      const cpu = process.cpuUsage(before);
      const perCallUs = (cpu.user + cpu.system) / (result.calls + result.warmupCalls);
      console.log(`${formatLoadResult(result)}\n  generator   ${perCallUs.toFixed(1)} µs CPU per call → ceiling ≈ ${Math.round(1e6 / perCallUs)} calls/s on one core\n`);
    }
  } finally {
    child.kill();
  }
}
