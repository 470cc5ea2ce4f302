import assert from 'node:assert/strict';
import { createLogger } from '../logging/index.js';
import { createMetricsRegistry, createRpcMetrics, startMetricsServer } from './index.js';

describe('startMetricsServer', () => {
  it('serves Prometheus text, liveness and readiness', async () => {
    const metrics = createMetricsRegistry({ serviceName: 'test' });
    let ready = false;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, isReady: () => ready, logger: createLogger({ level: 'silent' }) });
    try {
      createRpcMetrics(metrics).record('/dlrs.testing.v1.Echo/Say', 'OK', 'unary', 0.002);
      metrics.gauge('dlrs_index_items', 'items in the index').record(42);
      const base = `http://127.0.0.1:${server.port}`;
      const scrape = await fetch(`${base}/metrics`);
      assert.equal(scrape.status, 200);
      assert.match(scrape.headers.get('content-type') ?? '', /text\/plain/);
      const text = await scrape.text();
      assert.match(text, /# TYPE dlrs_rpc_requests_total counter/);
      assert.match(text, /dlrs_rpc_requests_total\{service="dlrs.testing.v1.Echo",method="Say",code="OK",kind="unary"\} 1/);
      assert.match(text, /dlrs_rpc_duration_seconds_bucket\{.*le="0.0025"\} 1/);
      assert.match(text, /dlrs_index_items 42/);
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 503);
      ready = true;
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      assert.equal((await fetch(`${base}/other`)).status, 404);
    } finally {
      await server.close();
      await server.close();
      await metrics.shutdown();
    }
  });

  it('rejects metric names without the dlrs prefix or the unit', () => {
    const metrics = createMetricsRegistry({ serviceName: 'test' });
    assert.throws(() => metrics.counter('requests', 'x'), /dlrs_/);
    assert.throws(() => metrics.counter('dlrs_requests_total', 'x'), /_total/);
    assert.throws(() => metrics.histogram('dlrs_latency', 'x'), /unit/);
  });
});
