import assert from 'node:assert/strict';
import { createLogger } from '../logging/index.js';
import { createMetricsRegistry, startMetricsServer } from './index.js';
import type { MetricsRegistry } from './index.js';

type Labels = { network: string; code: string };

/** Records the same values on `metrics`, through the SDK's instruments or the bound ones. */
function recordAll(metrics: MetricsRegistry, bound: boolean, values: readonly number[]): void {
  const buckets = [0.001, 0.01, 0.1, 1];
  const labelSets: Labels[] = [
    { network: 'rank', code: 'OK' },
    { code: 'OK', network: 'user' },
    { network: 'rank', code: 'DEADLINE_EXCEEDED' },
  ];
  if (bound) {
    const histogram = metrics.boundHistogram<Labels>('dlrs_spec_duration_seconds', 'a duration', buckets);
    const counter = metrics.boundCounter<Labels>('dlrs_spec_requests', 'requests');
    // Bound before any record, and the third one never records: it must not be shown.
    const series = labelSets.map((labels) => ({ duration: histogram.series(labels), calls: counter.series(labels) }));
    values.forEach((value, i) => {
      series[i % 2].duration.record(value);
      series[i % 2].calls.add(i % 3);
    });
  } else {
    const histogram = metrics.histogram<Labels>('dlrs_spec_duration_seconds', 'a duration', buckets);
    const counter = metrics.counter<Labels>('dlrs_spec_requests', 'requests');
    values.forEach((value, i) => {
      histogram.record(value, labelSets[i % 2]);
      counter.add(i % 3, labelSets[i % 2]);
    });
  }
}

async function scrape(metrics: MetricsRegistry): Promise<string> {
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, metrics, isReady: () => true, logger: createLogger({ level: 'silent' }) });
  try {
    return await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  } finally {
    await server.close();
  }
}

describe('bound instruments', () => {
  it('scrape exactly as the SDK instruments do for the same records', async () => {
    // Values on and around the boundaries (inclusive upper bounds), beyond the last one, and ones the SDK drops.
    const values = [0, 0.001, 0.0010001, 0.005, 0.01, 0.1, 0.5, 1, 1.5, 40, -1, Number.NaN, 0.0999];
    for (let i = 0; i < 200; i++) values.push(Math.random() ** 3 * 2);
    const texts: string[] = [];
    for (const bound of [false, true]) {
      const metrics = createMetricsRegistry({ serviceName: 'spec' });
      try {
        recordAll(metrics, bound, values);
        texts.push(await scrape(metrics));
      } finally {
        await metrics.shutdown();
      }
    }
    assert.match(texts[1], /dlrs_spec_requests_total\{network="rank",code="OK"\} \d+/);
    assert.doesNotMatch(texts[1], /DEADLINE_EXCEEDED/);
    // The two producers list their metrics in different orders: compare the metric blocks.
    const blocks = (text: string) => text.split(/\n(?=# HELP)/).map((block) => block.trim()).sort();
    assert.deepEqual(blocks(texts[1]), blocks(texts[0]));
  });

  it('share one series between equal label sets', async () => {
    const metrics = createMetricsRegistry({ serviceName: 'spec' });
    try {
      const counter = metrics.boundCounter<Labels>('dlrs_spec_requests', 'requests');
      counter.series({ network: 'rank', code: 'OK' }).add(2);
      counter.series({ code: 'OK', network: 'rank' }).add(3);
      const text = await scrape(metrics);
      assert.match(text, /dlrs_spec_requests_total\{network="rank",code="OK"\} 5\n/);
      assert.throws(() => metrics.boundHistogram('dlrs_spec_latency', 'x'), /unit/);
    } finally {
      await metrics.shutdown();
    }
  });
});
