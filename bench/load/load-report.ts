import type { LoadResult } from './load-runner.js';

function ms(value: number): string {
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

function counts(record: Record<string, number>): string {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${name} ${n}`).join(', ');
}

/** The human summary of a run: rate, percentiles, statuses. */
export function formatLoadResult(result: LoadResult): string {
  const { latency } = result;
  const mode = result.mode === 'open-loop' ? `open loop at ${result.targetRps} req/s (≤ ${result.concurrency} in flight)` : `closed loop, concurrency ${result.concurrency}`;
  const lines = [
    `${result.name} → ${result.host}`,
    `  ${mode}, ${result.connections} connection(s); ${result.calls} calls measured in ${(result.elapsedMs / 1000).toFixed(2)} s (${result.warmupCalls} warm-up calls left out)`,
    `  rate        ${result.ratePerSecond.toFixed(1)} ${result.call.endsWith('Stream') ? 'streams' : 'req'}/s`,
    `  latency ms  p50 ${ms(latency.p50Ms)}  p90 ${ms(latency.p90Ms)}  p99 ${ms(latency.p99Ms)}  p99.9 ${ms(latency.p999Ms)}  max ${ms(latency.maxMs)}  mean ${ms(latency.meanMs)}`,
    `  status      ${counts(result.statusCounts)}`,
  ];
  if (result.streamMessages > 0 || Object.keys(result.messageErrors).length > 0) {
    lines.push(`  on streams  ${result.streamMessages} answers (${((result.streamMessages * 1000) / Math.max(result.elapsedMs, 1)).toFixed(1)}/s); errors in answers: ${counts(result.messageErrors)}`);
  }
  if (result.answersInspected > 0) {
    const degraded = Object.values(result.degradedAnswers).reduce((a, b) => a + b, 0);
    lines.push(`  degraded    ${degraded} of ${result.answersInspected} answers (${((100 * degraded) / result.answersInspected).toFixed(1)} %): ${counts(result.degradedAnswers)}`);
  }
  if (result.mode === 'open-loop') lines.push(`  send lag    max ${ms(result.maxSendLagMs)} ms behind the schedule (counted in the latencies)`);
  lines.push(`  generator   ${ms(result.cpuMsPerCall)} ms CPU per call`);
  return lines.join('\n');
}
