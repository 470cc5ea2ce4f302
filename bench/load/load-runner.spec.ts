import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { loadProtos } from '../../shared/proto/index.js';
import { resolveLoadConfig } from './load-config.js';
import type { LoadSettings } from './load-config.js';
import { runLoad } from './load-runner.js';

interface Request { requestId: string; userId: string }

/**
 * An in-test Recommender (not the gateway): Recommend answers at once, except that user
 * "slow" waits `slowMs`, user "busy" gets RESOURCE_EXHAUSTED and user "fallback" a degraded answer.
 */
async function startRecommender(slowMs: number): Promise<{ address: string; calls: () => number; stop: () => void }> {
  let calls = 0;
  const server = new Server();
  server.addService(loadProtos().grpcObject.dlrs.v1.Recommender.service, {
    Recommend: (call: ServerUnaryCall<Request, unknown>, callback: sendUnaryData<unknown>) => {
      calls++;
      const { userId, requestId } = call.request;
      if (userId === 'busy') callback({ code: status.RESOURCE_EXHAUSTED, details: 'queue full' });
      else if (userId === 'slow') void sleep(slowMs).then(() => callback(null, { requestId }));
      else if (userId === 'fallback') callback(null, { requestId, degraded: true, degradedReasons: ['POPULAR_FALLBACK'] });
      else callback(null, { requestId });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { address: `127.0.0.1:${port}`, calls: () => calls, stop: () => server.forceShutdown() };
}

describe('runLoad against an in-test Recommender', function () {
  const SLOW_MS = 200;
  let server: Awaited<ReturnType<typeof startRecommender>>;
  before(async () => (server = await startRecommender(SLOW_MS)));
  after(() => server.stop());

  const base = (): LoadSettings => ({ call: 'dlrs.v1.Recommender.Recommend', host: server.address, timeoutMs: 5000 });

  it('closed loop: makes exactly `total` calls, counts statuses and degraded answers, leaves skipFirst out', async function () {
    const before = server.calls();
    const result = await runLoad(resolveLoadConfig(base(), { concurrency: 3, connections: 2, total: 60, skipFirst: 6, messages: [{ userId: 'a' }, { userId: 'busy' }, { userId: 'fallback' }] }));
    assert.equal(server.calls() - before, 60);
    assert.equal(result.mode, 'closed-loop');
    assert.equal(result.warmupCalls, 6);
    assert.equal(result.calls, 54);
    assert.deepEqual(result.statusCounts, { OK: 36, RESOURCE_EXHAUSTED: 18 });
    assert.equal(result.answersInspected, 36);
    assert.deepEqual(result.degradedAnswers, { POPULAR_FALLBACK: 18 });
  });

  it('open loop: latency counts from the due time, so a stall shows in the calls queued behind it', async function () {
    // 100 calls/s, at most one in flight; call 0 takes SLOW_MS, so calls 1..19 (due every
    // 10 ms) cannot be sent before it returns. Measured from their send they would take well
    // under a millisecond; measured from their due time, call n waits at least SLOW_MS - 10 n.
    const result = await runLoad(resolveLoadConfig(base(), { rps: 100, concurrency: 1, connections: 1, total: 50, messages: [{ userId: 'slow' }, ...Array.from({ length: 49 }, () => ({ userId: 'a' }))] }));
    assert.equal(result.mode, 'open-loop');
    assert.equal(result.calls, 50);
    // Lower bounds only, with a few ms of slack for timer rounding.
    assert.ok(result.maxSendLagMs >= SLOW_MS - 20, `call 1 was sent ${result.maxSendLagMs} ms after its due time`);
    // Calls 0..9 each waited at least SLOW_MS - 90 ms: a fifth of the calls, so p90 is at least that.
    assert.ok(result.latency.p90Ms >= SLOW_MS - 100, `p90 ${result.latency.p90Ms} ms`);
    assert.ok(result.latency.maxMs >= SLOW_MS - 5, `max ${result.latency.maxMs} ms`);
  });
});
