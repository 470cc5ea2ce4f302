// The metric contract against the real services: the serving stack (a trained bundle,
// retrieval shards, ranking, the gateway) takes traffic through the gateway while a real
// Prometheus scrapes their /metrics ports through deploy/prometheus/static.yml; every metric
// the dashboard reads must come from the tier that owns it, and every panel must show data.
import assert from 'node:assert/strict';
import { credentials } from '@grpc/grpc-js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';
import { dashboard, metricContract, metricNamesIn, substituteVariables } from './dashboard-contract.js';
import { hasCommand, settle, startPrometheus } from './prometheus-server.js';
import type { PrometheusServer } from './prometheus-server.js';
import { skipForMissingTool } from '../../shared/testing/index.js';

/** The tiers, as the scrape targets' `component` label names them. */
const COMPONENTS = ['gateway', 'ranking', 'retrieval'];
/** A rate window of several 1 s scrapes. */
const RATE_INTERVAL = '10s';
/** Traffic keeps flowing while the test polls, so that every rate is above zero. */
const TRAFFIC_INTERVAL_MS = 200;
const CALL_BUDGET_MS = 10_000;

/** The tiers that emit a contract metric: `dlrs_<tier>_*` is its tier's, the rest every tier's. */
function emitters(name: string): string[] {
  const tier = COMPONENTS.find((component) => name.startsWith(`dlrs_${component}_`));
  return tier === undefined ? COMPONENTS : [tier];
}

/** The series name Prometheus stores a metric family under. */
function seriesName(name: string, type: string | undefined): string {
  return type === 'histogram' ? `${name}_count` : name;
}

describe('deploy/: the real services emit what the dashboard reads, scraped by a real Prometheus', function () {
  this.timeout(60_000);
  let stack: ServingStack | undefined;
  let client: RecommenderClient | undefined;
  let prometheus: PrometheusServer | undefined;
  let traffic: NodeJS.Timeout | undefined;
  let trafficFailure: unknown;

  after(async function () {
    clearInterval(traffic);
    client?.close();
    await prometheus?.stop();
    await stack?.stop();
  });

  it('every dashboard metric comes from the tier that owns it, and every panel query returns data', async function () {
    if (!hasCommand('prometheus')) skipForMissingTool(this, 'prometheus is not installed (apt-get install prometheus)');
    stack = await startServingStack();
    const recommender = new (loadProtos().grpcObject.dlrs.v1.Recommender)(stack.address, credentials.createInsecure(), OWN_CONNECTION);
    client = recommender;
    const budget = () => ({ deadline: Date.now() + CALL_BUDGET_MS });
    const recommend = (userId: string) => callUnary<RecommendResponse__Output>((md, o, cb) => recommender.Recommend({ userId, k: 5 }, md, o, cb), budget());
    const recommendStream = (userId: string, requests: number) =>
      new Promise<number>((resolve, reject) => {
        const stream = recommender.RecommendStream();
        let answers = 0;
        stream.on('data', (_: RecommendStreamResponse__Output) => (answers += 1));
        stream.on('end', () => resolve(answers));
        stream.on('error', reject);
        for (let i = 0; i < requests; i += 1) stream.write({ requestId: `s${i}`, userId, k: 3 });
        stream.end();
      });

    const seen = stack.bundle.items.slice(0, 5).map((item) => item.id);
    await callUnary((md, o, cb) => recommender.RecordInteractions({ events: seen.map((itemId, i) => ({ userId: 'known', interaction: { itemId, eventType: 'view', timestampMs: 1000 + i, eventId: `e${i}` } })) }, md, o, cb), budget());
    const known = await recommend('known');
    assert.equal(known.degraded, false, known.degradedDetail);
    const unknown = await recommend('never-seen');
    assert.deepEqual(unknown.degradedReasons, ['POPULAR_FALLBACK'], 'an unknown user gets popular items');
    assert.equal(await recommendStream('known', 4), 4);
    const sendTraffic = (): void => {
      Promise.all([recommend('known'), recommend('never-seen'), recommendStream('known', 2)]).catch((error: unknown) => (trafficFailure ??= error));
    };
    traffic = setInterval(sendTraffic, TRAFFIC_INTERVAL_MS);

    const { gateway, ranking, shards } = stack;
    prometheus = await startPrometheus([
      { targets: [`127.0.0.1:${gateway.metricsPort}`], labels: { component: 'gateway' } },
      { targets: [`127.0.0.1:${ranking.metricsPort}`], labels: { component: 'ranking' } },
      { targets: shards.map((shard) => `127.0.0.1:${shard.server.metricsPort}`), labels: { component: 'retrieval' } },
    ]);
    const server = prometheus;
    const up = await settle(async () => (await server.query('count by (component) (up == 1)')).map((s) => s.metric.component).sort(), (components) => components.length === COMPONENTS.length);
    assert.deepEqual(up, COMPONENTS, 'every tier is scraped');

    const contract = metricContract();
    const panels = dashboard().panels.filter((panel) => (panel.targets ?? []).length > 0);
    const names = [...new Set(panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => metricNamesIn(target.expr))))].sort();
    for (const name of names) assert.ok(contract.has(name), `${name}: the dashboard reads a metric outside deploy/README.md's contract`);
    const expected = Object.fromEntries(names.map((name) => [name, emitters(name)]));
    const emitted = await settle(async () => {
      const found: Record<string, string[]> = {};
      for (const name of names) found[name] = (await server.query(`count by (component) (${seriesName(name, contract.get(name))})`)).map((s) => s.metric.component).sort();
      return found;
    }, (found) => JSON.stringify(found) === JSON.stringify(expected));
    assert.deepEqual(emitted, expected, 'each dashboard metric, by the tiers that emit it');

    const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ title: panel.title, expr: substituteVariables(target.expr, RATE_INTERVAL) })));
    const empty = await settle(async () => {
      const unanswered: string[] = [];
      // `>= 0` drops NaN: a panel of only NaN (no rate, 0/0) shows nothing.
      for (const { title, expr } of queries) if ((await server.query(`(${expr}) >= 0`)).length === 0) unanswered.push(`${title}: ${expr}`);
      return unanswered;
    }, (unanswered) => unanswered.length === 0);
    assert.deepEqual(empty, [], 'every dashboard query returns a number');
    const degradedShare = queries.find((q) => q.expr.includes('dlrs_gateway_degraded_total'));
    assert.ok(degradedShare, 'the dashboard has a degraded-share query');
    const shares = await server.query(degradedShare.expr);
    const fallback = shares.find((sample) => sample.metric.reason === 'POPULAR_FALLBACK');
    // Every tick one of two Recommend calls is for an unknown user.
    assert.ok(fallback && Number(fallback.value[1]) > 0 && Number(fallback.value[1]) <= 1, `popular-fallback share: ${JSON.stringify(shares)}`);
    assert.equal(trafficFailure, undefined, `traffic failed: ${String(trafficFailure)}`);
  });
});
