// Observability wiring: the Grafana dashboard against the metric contract, the OpenTelemetry
// Collector configuration against its manifests, the Prometheus scrape configurations, and a
// real Prometheus server scraping a /metrics endpoint through deploy/prometheus/static.yml.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { createLogger } from '../../shared/logging/index.js';
import { createMetricsRegistry, startMetricsServer } from '../../shared/metrics/index.js';
import type { MetricsServer } from '../../shared/metrics/index.js';
import { renderKustomization } from './kustomize-render.js';
import { find, podTemplates, templateOf } from './k8s-model.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; legendFormat?: string }[];
}

function dashboard(): { panels: Panel[]; templating: { list: { name: string }[] } } {
  return JSON.parse(readFileSync(join(DEPLOY, 'grafana/dlrs-dashboard.json'), 'utf8')) as { panels: Panel[]; templating: { list: { name: string }[] } };
}

function dashboardQueries(): string[] {
  return dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** A dashboard query as Prometheus sees it once Grafana has substituted its variables. */
function substituteVariables(expr: string, rateInterval: string): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$namespace', '.*');
}

function metricContract(): Map<string, string> {
  const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
  return new Map([...readme.matchAll(/^\| `(dlrs_[a-z_]+)` \| (histogram|counter|gauge) \|/gm)].map((m) => [m[1], m[2]]));
}

function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(dlrs_[a-z_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''));
}

function hasCommand(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

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
    if (!hasCommand('promtool')) {
      console.log('      skipped: promtool is not installed (Debian package prometheus)');
      this.skip();
    }
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
      if (!hasCommand('promtool')) {
        console.log('      skipped: promtool is not installed (Debian package prometheus)');
        this.skip();
      }
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
    let work: string;
    let metrics: MetricsServer | undefined;
    let traffic: NodeJS.Timeout | undefined;
    let prometheus: ChildProcess | undefined;

    before(function () {
      work = mkdtempSync(join(tmpdir(), 'dlrs-prometheus-'));
    });
    after(async function () {
      clearInterval(traffic);
      prometheus?.kill('SIGTERM');
      await metrics?.close();
      rmSync(work, { recursive: true, force: true });
    });

    it('scrapes the contract metrics and answers every dashboard query', async function () {
      if (!hasCommand('prometheus')) {
        console.log('      skipped: prometheus is not installed (apt-get install prometheus)');
        this.skip();
      }
      // The /metrics endpoint every dlrs service serves (shared/metrics), with the contract's
      // instruments; every 50 ms, 10 more Recommend calls of which 2 are degraded.
      const registry = createMetricsRegistry({ serviceName: 'dlrs-gateway' });
      const duration = registry.histogram('dlrs_rpc_duration_seconds', 'RPC duration');
      const degraded = registry.counter('dlrs_gateway_degraded', 'degraded answers');
      const batchRows = registry.histogram('dlrs_ranking_batch_rows', 'rows per batch', [1, 8, 64, 512]);
      const queueDelay = registry.histogram('dlrs_ranking_queue_delay_seconds', 'queue delay');
      registry.gauge('dlrs_retrieval_items', 'items').record(9742, { shard: '0' });
      const recordTraffic = (): void => {
        for (let i = 0; i < 10; i += 1) duration.record(0.004 * (i + 1), { service: 'gateway', method: 'Recommend', code: 'OK' });
        degraded.add(2, { reason: 'POPULAR_FALLBACK' });
        batchRows.record(100);
        queueDelay.record(0.0005);
      };
      recordTraffic();
      traffic = setInterval(recordTraffic, 50);
      metrics = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics: registry, isReady: () => true, logger: createLogger({ level: 'silent' }) });
      const metricsPort = metrics.port;
      const config = parse(readFileSync(join(DEPLOY, 'prometheus/static.yml'), 'utf8')) as { global: { scrape_interval: string } };
      // Shortened from 15 s so that the test sees several scrapes within seconds.
      config.global.scrape_interval = '1s';
      writeFileSync(join(work, 'static.yml'), stringify(config));
      mkdirSync(join(work, 'targets'));
      writeFileSync(join(work, 'targets/test.json'), JSON.stringify([{ targets: [`127.0.0.1:${metricsPort}`], labels: { component: 'gateway' } }]));
      const webPort = await freePort();
      prometheus = spawn('prometheus', [`--config.file=${join(work, 'static.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${webPort}`, '--log.level=warn'], { stdio: 'ignore' });
      await poll(async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited with ${String(prometheus?.exitCode)}`);
        return (await fetch(`http://127.0.0.1:${webPort}/-/ready`)).ok ? true : undefined;
      });
      const api = `http://127.0.0.1:${webPort}/api/v1/query?query=`;
      const series = await poll(async () => {
        const result = await query(api, 'dlrs_rpc_duration_seconds_count');
        return result.length > 0 ? result : undefined;
      });
      assert.deepEqual(series[0].metric, { __name__: 'dlrs_rpc_duration_seconds_count', service: 'gateway', method: 'Recommend', code: 'OK', component: 'gateway', instance: `127.0.0.1:${metricsPort}`, job: 'dlrs' });
      const share = await poll(async () => {
        const result = await query(api, substituteVariables(dashboardQueries().find((e) => e.includes('dlrs_gateway_degraded_total')) ?? '', '10s'));
        return result.length > 0 ? result : undefined;
      });
      assert.equal(share[0].metric.reason, 'POPULAR_FALLBACK');
      // 2 of 10; the tolerance covers a scrape that lands between the two counters' updates.
      assert.ok(Math.abs(Number(share[0].value[1]) - 0.2) < 0.01, `degraded share ${share[0].value[1]} = 2 of 10`);
      for (const expr of dashboardQueries()) await query(api, substituteVariables(expr, '10s'));
      assert.equal((await query(api, 'dlrs_retrieval_items'))[0].value[1], '9742');
    });
  });
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(api: string, expr: string): Promise<Sample[]> {
  const response = await fetch(api + encodeURIComponent(expr));
  const body = (await response.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  assert.equal(body.status, 'success', `${expr}: ${body.error ?? ''}`);
  return body.data?.result ?? [];
}

async function poll<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      // Prometheus is still starting: connection refused until it listens.
      if (!(error instanceof TypeError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
