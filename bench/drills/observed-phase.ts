import type { LoadResult } from '../load/load-runner.js';
import { frequentDetails, startAnswerProbe } from './answer-probe.js';
import type { ProbeAnswer } from './answer-probe.js';
import type { DrillContext } from './drill-context.js';
import { describeLoad, inFlightCapFor, runPhase } from './drill-load.js';

/** The probe beside a phase of load sends one call every this many ms. */
export const PROBE_INTERVAL_MS = 50;

/** A phase of load and what the probe saw meanwhile. */
export interface ObservedPhase {
  result: LoadResult;
  probed: ProbeAnswer[];
  /** The load's figures and the probe's most frequent degraded details. */
  summary: string;
}

/** Open-loop Recommend load at `rps` for `durationMs`, with the answer probe running beside it. */
export async function runObservedPhase(context: DrillContext, rps: number, durationMs: number): Promise<ObservedPhase> {
  const { deadlineMs } = context;
  const address = context.topology.gatewayAddress;
  const probe = startAnswerProbe(address, context.requests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: context.topology.apiToken });
  const result = await runPhase({ address, metadata: context.topology.gatewayMetadata, messages: context.requests, rps, concurrency: inFlightCapFor(rps, deadlineMs), durationMs, timeoutMs: deadlineMs });
  const probed = await probe.stop();
  const details = frequentDetails(probed);
  return { result, probed, summary: `${describeLoad(result)}${details === 'none' ? '' : ` (probe: ${details})`}` };
}
