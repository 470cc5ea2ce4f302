import assert from 'node:assert/strict';
import type { LoadResult } from '../load/load-runner.js';
import { renderScaleReport } from './scale-report.js';
import type { ScaleLevel } from './scale-report.js';

function level(targetRps: number, p99Ms: number, withStages: boolean): ScaleLevel {
  const load: LoadResult = {
    name: 'scale',
    call: 'dlrs.v1.Recommender.Recommend',
    host: '127.0.0.1:1',
    mode: 'open-loop',
    concurrency: 512,
    connections: 1,
    targetRps,
    calls: targetRps * 10,
    warmupCalls: targetRps * 3,
    elapsedMs: 10_000,
    ratePerSecond: targetRps * 0.99,
    latency: { count: targetRps * 10, meanMs: p99Ms / 3, p50Ms: p99Ms / 4, p90Ms: p99Ms / 2, p99Ms, p999Ms: p99Ms * 2, maxMs: p99Ms * 3 },
    statusCounts: { OK: targetRps * 10 - 2, DEADLINE_EXCEEDED: 2 },
    streamMessages: 0,
    messageErrors: {},
    answersInspected: targetRps * 10,
    degradedAnswers: { SHARD_UNAVAILABLE: 1 },
    maxSendLagMs: 3,
    cpuMsPerCall: 0.25,
  };
  const stages = withStages ? { traces: 12, meanMs: 20, embed: 0.1, search: 0.5, rank: 0.2, other: 0.2, inTier: { embed: 0.05, search: 0.3, rank: 0.1 } } : undefined;
  return { targetRps, load, loadAverage: 1.5, cpuMsPerRequest: new Map([['gateway', 1.5], ['ranking', 0.5]]), mainThreadCpuMsPerRequest: new Map([['gateway', 0.9], ['ranking', 0.1]]), switchesPerRequest: new Map([['gateway', { voluntary: 8, involuntary: 2.5 }], ['ranking', { voluntary: 4, involuntary: 0 }]]), stages, itemCacheHitRate: 0.42 };
}

describe('bench-scale report', () => {
  it('tabulates every level, its failures, CPU per request and stage split, and draws the plot', async () => {
    const { text, plot } = await renderScaleReport([level(50, 12, true), level(100, 80, false)], { items: 1_000_000, shards: 2, pool: 20_000, zipfExponent: 1, calibration: { ortCeilingScoresPerS: 5e6, searchesPerS: 2000, workMsPerRecommend: 1, embedMs: 0.1, searchMs: 0.8, rankMs: 0.1, wakeUpCpuUs: 57, loadAverage: 1.2 }, idleCpuMsPerS: new Map([['gateway', 0.5], ['ranking', 12.25]]), k: 10, candidates: 300, p99LimitMs: 50, tracing: '1 %', durationS: 10, warmupS: 3 });
    assert.match(text, /^dlrs bench-scale: 1000000 items/);
    assert.match(text, /\| 50 \| 50 \| 3\.0 \| 6\.0 \| 12\.0 \| 24\.0 \| 2 \| 1 \| 3 \| 42 % \| 1\.5 \|/);
    assert.match(text, /RankNet ORT ceiling 5\.00M scores\/s; HNSW 2000 searches\/s .* work per Recommend 1\.000 ms/);
    assert.match(text, /a 1 ms timer wake-up costs 57 µs of CPU\./);
    assert.match(text, /\| offered req\/s \| gateway \| ranking \| total \| total \/ in-process work \| load generator \| load avg \|/);
    // Each process's CPU with its main thread's share; the total and the ratio over all threads.
    assert.match(text, /\| 100 \| 1\.50 \(60 %\) \| 0\.50 \(20 %\) \| 2\.00 \| 2\.0× \| 0\.25 \| 1\.5 \|/);
    // Context switches per Recommend: the sum, then voluntary + involuntary, and the total over the processes.
    assert.match(text, /\| 100 \| 10\.5 \(8\.0 \+ 2\.5\) \| 4\.0 \(4\.0 \+ 0\.0\) \| 14\.5 \| 1\.5 \|/);
    assert.match(text, /Idle CPU \(no requests; ms per s\): gateway 0\.5, ranking 12\.3\./);
    // Only the level with sampled traces has a stage row.
    assert.match(text, /\| 50 \| 12 \| 20\.0 \| 10 % \(5 %\) \| 50 % \(30 %\) \| 20 % \(10 %\) \| 20 % \|/);
    assert.doesNotMatch(text, /\| 100 \| 12 \|/);
    assert.match(plot.svg, /^<svg/);
    assert.ok(plot.svg.includes('p99 limit 50 ms') && plot.svg.includes('goal: p99 25 ms'), 'the limit and the goal are drawn');
    assert.deepEqual([...plot.png.subarray(1, 4)], [...Buffer.from('PNG')]);
  });
});
