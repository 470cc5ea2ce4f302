import assert from 'node:assert/strict';
import { LatencyRecorder } from './latency-recorder.js';

/** Within the histogram's 3 significant digits. */
function near(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * 1e-3 + 1e-3, `${actual} ≈ ${expected}`);
}

describe('LatencyRecorder', function () {
  it('gives the percentiles of known latencies', function () {
    const recorder = new LatencyRecorder();
    // 1..1000 ms: the p-th percentile is p·10 ms.
    for (let ms = 1; ms <= 1000; ms++) recorder.record(ms, 'OK');
    const s = recorder.summary();
    assert.equal(s.count, 1000);
    near(s.p50Ms, 500);
    near(s.p90Ms, 900);
    near(s.p99Ms, 990);
    near(s.p999Ms, 999);
    near(s.maxMs, 1000);
    near(s.meanMs, 500.5);
  });

  it('resolves sub-millisecond latencies and a long tail', function () {
    const recorder = new LatencyRecorder();
    for (let i = 0; i < 998; i++) recorder.record(0.25, 'OK');
    recorder.record(40, 'DEADLINE_EXCEEDED');
    recorder.record(5000, 'UNAVAILABLE');
    const s = recorder.summary();
    near(s.p50Ms, 0.25);
    near(s.p99Ms, 0.25);
    near(s.p999Ms, 40);
    near(s.maxMs, 5000);
    assert.deepEqual(Object.fromEntries(recorder.statusCounts), { OK: 998, DEADLINE_EXCEEDED: 1, UNAVAILABLE: 1 });
  });

  it('summarises an empty run as zeros', function () {
    assert.deepEqual(new LatencyRecorder().summary(), { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  });
});
