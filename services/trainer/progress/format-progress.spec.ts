import assert from 'node:assert/strict';
import { formatDuration, formatStepProgress } from './format-progress.js';

describe('formatStepProgress', () => {
  it('shows the epoch, the share done, the rate, the running loss and the epoch ETA', () => {
    const text = formatStepProgress({ epoch: 3, epochs: 20, examples: 25_000, epochExamples: 100_000, loss: 6.12345, auxLoss: 0.5, seconds: 1 });
    assert.equal(text, 'epoch 3/20  25%  25000 ex/s  loss 6.1235 (+0.5000)  ETA 3 s');
  });

  it('gives an unknown ETA before any time has passed', () => {
    assert.match(formatStepProgress({ epoch: 1, epochs: 1, examples: 0, epochExamples: 10, loss: 0, auxLoss: 0, seconds: 0 }), /ETA \?$/);
  });
});

describe('formatDuration', () => {
  it('uses seconds under a minute, then m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(42.4), '42 s');
    assert.equal(formatDuration(185), '3:05');
    assert.equal(formatDuration(3723), '1:02:03');
    assert.equal(formatDuration(NaN), '?');
  });
});
