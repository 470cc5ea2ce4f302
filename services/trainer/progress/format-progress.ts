import type { StepProgress } from '../training/index.js';

/** "42 s", "3:05" or "1:02:03": short for a status line. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** The status line of a training step: epoch, share of the epoch, rate, running loss, the epoch's ETA. */
export function formatStepProgress(p: StepProgress): string {
  const share = p.epochExamples === 0 ? 1 : p.examples / p.epochExamples;
  const rate = p.seconds > 0 ? p.examples / p.seconds : 0;
  const eta = rate > 0 ? (p.epochExamples - p.examples) / rate : NaN;
  return [
    `epoch ${p.epoch}/${p.epochs}`,
    `${Math.floor(share * 100)}%`,
    `${Math.round(rate)} ex/s`,
    `loss ${p.loss.toFixed(4)} (+${p.auxLoss.toFixed(4)})`,
    `ETA ${formatDuration(eta)}`,
  ].join('  ');
}
