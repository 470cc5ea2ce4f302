import assert from 'node:assert/strict';
import { DEFAULT_DECISION_RULE, decide, formatDecision } from './decision-rule.js';
import type { GateScores } from './decision-rule.js';

/** Per-user values: user k scores base + step·(k mod 5), so the spread is real but the mean is known. */
function scores(n: number, base: number, step: number): GateScores {
  const values = Float64Array.from({ length: n }, (_, k) => base + step * (k % 5));
  return { 'map@10': values, 'recall@100': Float64Array.from(values, (v) => Math.min(1, v * 2)) };
}

describe('retrain decision rule', () => {
  it('promotes a candidate that is better on every metric', () => {
    const d = decide(scores(200, 0.2, 0.02), scores(200, 0.1, 0.02));
    assert.equal(d.promote, true, d.reasons.join('; '));
    assert.ok(d.comparison['map@10'].low > 0);
    assert.match(formatDecision(d), /decision: PROMOTE/);
  });

  it('promotes an equal candidate (difference 0, CI inside −1 %)', () => {
    const d = decide(scores(200, 0.2, 0.02), scores(200, 0.2, 0.02));
    assert.equal(d.promote, true, d.reasons.join('; '));
  });

  it('refuses a worse candidate and names the metric and the bound', () => {
    const d = decide(scores(200, 0.1, 0.02), scores(200, 0.2, 0.02));
    assert.equal(d.promote, false);
    assert.ok(d.reasons.some((r) => r.startsWith('map@10: candidate mean')));
    assert.ok(d.reasons.some((r) => r.includes('CI lower bound')));
    assert.match(formatDecision(d), /REFUSE/);
  });

  it('refuses a candidate whose mean is higher but not by the configured margin', () => {
    const d = decide(scores(200, 0.21, 0.02), scores(200, 0.2, 0.02), { ...DEFAULT_DECISION_RULE, minRelativeMean: 0.1 });
    assert.equal(d.promote, false);
  });

  it('refuses when the hold-out window has no users', () => {
    const d = decide(scores(0, 0, 0), scores(0, 0, 0));
    assert.equal(d.promote, false);
    assert.deepEqual(d.reasons.slice(0, 1), ['the hold-out window has no users to compare on']);
  });
});
