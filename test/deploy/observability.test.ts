// Observability wiring: the Grafana dashboard against the metric contract, the OpenTelemetry
// Collector configuration against its manifests, the Prometheus scrape configurations, and a
// real Prometheus server scraping a /metrics endpoint through deploy/prometheus/static.yml.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../shared/logging/index.js';
import { createMetricsRegistry, startMetricsServer } from '../../shared/metrics/index.js';
import type { MetricsServer } from '../../shared/metrics/index.js';
import { dashboard, dashboardQueries, metricContract, metricNamesIn, substituteVariables } from './dashboard-contract.js';
import { renderKustomization } from './kustomize-render.js';
import { find, podTemplates, templateOf } from './k8s-model.js';
import { hasCommand, pollNonEmpty, startPrometheus } from './prometheus-server.js';
import type { PrometheusServer } from './prometheus-server.js';
import { skipForMissingTool } from '../../shared/testing/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
/** The `service` label of the gateway's RPC metrics: the gRPC service it serves. */
const GATEWAY_SERVICE = 'dlrs.v1.Recommender';

describe('deploy/grafana dashboard', function () {
  it('covers latency per tier, batch size, queue delay, degraded share and index size from the metric contract', function () {
    const contract = metricContract();
    assert.deepEqual([...contract.keys()].sort(), ['dlrs_gateway_degraded_total', 'dlrs_ranking_batch_rows', 'dlrs_ranking_queue_delay_seconds', 'dlrs_retrieval_items', 'dlrs_rpc_duration_seconds']);
    const used = new Set(dashboardQueries().flatMap(metricNamesIn));
    assert.deepEqual([...used].sort(), [...contract.keys()].sort(), 'the dashboard uses every contract metric and no other');
    for (const expr of dashboardQueries()) {
      for (const match of expr.matchAll(/\b(dlrs_[a-z_]+)_(bucket|sum|count)\b/g)) {
        const name = match[1];
        if (match[2] === 'bucket' || contract.get(name) === 'histogram') assert.equal(contract.get(name), 'histogram', `${match[0]}: ${name} is a histogram`);
      }
      assert.match(expr, /namespace=~"\$namespace"/, `scoped by the namespace variable: ${expr}`);
    }
    const titles = dashboard().panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of ['latency percentiles per tier', 'batch size', 'queue delay', 'degraded share', 'index size']) assert.ok(titles.includes(topic), topic);
    const variables = dashboard().templating.list.map((v) => v.name);
    for (const panel of dashboard().panels.filter((p) => p.type !== 'row')) {
      assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: uses the data source variable`);
      assert.ok(variables.includes('datasource') && variables.includes('namespace'));
    }
  });

  it('has PromQL that promtool accepts', function () {
    if (!hasCommand('promtool')) skipForMissingTool(this, 'promtool is not installed (Debian package prometheus)');
    const dir = mkdtempSync(join(tmpdir(), 'dlrs-promql-'));
    try {
      const rules = { groups: [{ name: 'dashboard', rules: dashboardQueries().map((expr, i) => ({ record: `dlrs:dashboard:${i}`, expr: substituteVariables(expr, '5m') })) }] };
      writeFileSync(join(dir, 'rules.yml'), stringify(rules));
      const result = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stdout + result.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/otel collector', function () {
  it('defines every pipeline component and listens where the manifests send and probe', function () {
    const config = parse(readFileSync(join(DEPLOY, 'otel/collector.yaml'), 'utf8')) as {
      receivers: Record<string, { protocols?: Record<string, { endpoint: string }> }>;
      processors: Record<string, unknown>;
      exporters: Record<string, unknown>;
      extensions: Record<string, { endpoint?: string }>;
      service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
    };
    assert.ok(config.service.pipelines.traces, 'a traces pipeline');
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const r of pipeline.receivers) assert.ok(r in config.receivers, `${name}: receiver ${r}`);
      for (const p of pipeline.processors) assert.ok(p in config.processors, `${name}: processor ${p}`);
      for (const e of pipeline.exporters) assert.ok(e in config.exporters, `${name}: exporter ${e}`);
      assert.equal(pipeline.processors[0], 'memory_limiter', `${name}: memory_limiter first, as the collector recommends`);
    }
    for (const e of config.service.extensions) assert.ok(e in config.extensions, `extension ${e}`);
    const objects = renderKustomization(join(DEPLOY, 'k8s/overlays/cpu'));
    const collector = templateOf(objects, 'Deployment', 'otel-collector').spec.containers[0];
    const portOf = (endpoint: string | undefined): number => Number(endpoint?.split(':').pop());
    assert.equal(portOf(config.receivers.otlp.protocols?.grpc.endpoint), collector.ports?.find((p) => p.name === 'otlp-grpc')?.containerPort);
    assert.equal(portOf(config.receivers.otlp.protocols?.http.endpoint), collector.ports?.find((p) => p.name === 'otlp-http')?.containerPort);
    assert.equal(portOf(config.extensions.health_check.endpoint), collector.ports?.find((p) => p.name === 'health')?.containerPort);
    assert.ok(collector.args?.includes('--config=/etc/otelcol/collector.yaml'));
    const configMap = find(objects, 'ConfigMap', (templateOf(objects, 'Deployment', 'otel-collector').spec.volumes ?? [])[0].configMap?.name ?? '');
    assert.equal((configMap.data as Record<string, string>)['collector.yaml'], readFileSync(join(DEPLOY, 'otel/collector.yaml'), 'utf8'), 'the collector runs deploy/otel/collector.yaml');
  });
});

describe('deploy/prometheus', function () {
  it('the Kubernetes job keys on exactly the annotations the manifests put on dlrs pods', function () {
    const config = parse(readFileSync(join(DEPLOY, 'prometheus/kubernetes.yml'), 'utf8')) as { scrape_configs: { relabel_configs: { source_labels?: string[] }[] }[] };
    const sources = new Set(config.scrape_configs.flatMap((j) => j.relabel_configs.flatMap((r) => r.source_labels ?? [])));
    const annotations = new Set(podTemplates(renderKustomization(join(DEPLOY, 'k8s/overlays/cpu'))).flatMap((t) => Object.keys(t.annotations)));
    assert.deepEqual([...annotations].sort(), ['prometheus.io/path', 'prometheus.io/port', 'prometheus.io/scrape']);
    for (const annotation of annotations) {
      assert.ok(sources.has(`__meta_kubernetes_pod_annotation_${annotation.replace(/[^a-zA-Z0-9]/g, '_')}`), `relabels on ${annotation}`);
    }
  });

  for (const file of ['static.yml', 'kubernetes.yml']) {
    it(`promtool accepts ${file}`, function () {
      if (!hasCommand('promtool')) skipForMissingTool(this, 'promtool is not installed (Debian package prometheus)');
      const result = spawnSync('promtool', ['check', 'config', '--syntax-only', join(DEPLOY, 'prometheus', file)], { encoding: 'utf8' });
      const output = result.stdout + result.stderr;
      if (/field kubernetes_sd_configs not found/.test(output)) {
        // Debian builds Prometheus without Kubernetes service discovery.
        console.log('      skipped: this Prometheus build has no kubernetes_sd_configs (Debian strips it)');
        this.skip();
      }
      assert.equal(result.status, 0, output);
    });
  }

  describe('a real Prometheus scraping the shared metrics server through static.yml', function () {
    this.timeout(30_000);
    let metrics: MetricsServer | undefined;
    let traffic: NodeJS.Timeout | undefined;
    let prometheus: PrometheusServer | undefined;

    after(async function () {
      clearInterval(traffic);
      await prometheus?.stop();
      await metrics?.close();
    });

    it('scrapes the contract metrics and answers every dashboard query', async function () {
      if (!hasCommand('prometheus')) skipForMissingTool(this, 'prometheus is not installed (apt-get install prometheus)');
      // The /metrics endpoint every dlrs service serves (shared/metrics), with the contract's
      // instruments; every 50 ms, 10 more Recommend calls of which 2 are degraded.
      const registry = createMetricsRegistry({ serviceName: 'dlrs-gateway' });
      const duration = registry.histogram('dlrs_rpc_duration_seconds', 'RPC duration');
      const degraded = registry.counter('dlrs_gateway_degraded', 'degraded answers');
      const batchRows = registry.histogram('dlrs_ranking_batch_rows', 'rows per batch', [1, 8, 64, 512]);
      const queueDelay = registry.histogram('dlrs_ranking_queue_delay_seconds', 'queue delay');
      registry.gauge('dlrs_retrieval_items', 'items').record(9742, { shard: '0' });
      const recordTraffic = (): void => {
        for (let i = 0; i < 10; i += 1) duration.record(0.004 * (i + 1), { service: GATEWAY_SERVICE, method: 'Recommend', code: 'OK' });
        degraded.add(2, { reason: 'POPULAR_FALLBACK' });
        batchRows.record(100);
        queueDelay.record(0.0005);
      };
      recordTraffic();
      traffic = setInterval(recordTraffic, 50);
      metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: registry, isReady: () => true, logger: createLogger({ level: 'silent' }) });
      const metricsPort = metrics.port;
      prometheus = await startPrometheus([{ targets: [`127.0.0.1:${metricsPort}`], labels: { component: 'gateway' } }]);
      const series = await pollNonEmpty(prometheus, 'dlrs_rpc_duration_seconds_count');
      assert.deepEqual(series[0].metric, { __name__: 'dlrs_rpc_duration_seconds_count', service: GATEWAY_SERVICE, method: 'Recommend', code: 'OK', component: 'gateway', instance: `127.0.0.1:${metricsPort}`, job: 'dlrs' });
      const share = await pollNonEmpty(prometheus, substituteVariables(dashboardQueries().find((e) => e.includes('dlrs_gateway_degraded_total')) ?? '', '10s'));
      assert.equal(share[0].metric.reason, 'POPULAR_FALLBACK');
      // 2 of 10; the tolerance covers a scrape that lands between the two counters' updates.
      assert.ok(Math.abs(Number(share[0].value[1]) - 0.2) < 0.01, `degraded share ${share[0].value[1]} = 2 of 10`);
      for (const expr of dashboardQueries()) await prometheus.query(substituteVariables(expr, '10s'));
      assert.equal((await prometheus.query('dlrs_retrieval_items'))[0].value[1], '9742');
    });
  });
});
