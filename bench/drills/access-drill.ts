import { recommenderClient } from '../../bin/demo/recommender-calls.js';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import { answerKind, countsOf, startAnswerProbe } from './answer-probe.js';
import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { describeLoad, inFlightCapFor, runPhase, statusLine } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';

const PHASE_MS = 4000;
const PROBE_INTERVAL_MS = 50;
/**
 * Refusals cost a few header bytes each, so the valid probe should not notice them; 5 % of its
 * calls may still miss their deadline on a busy 2-core machine, as they do with no refusals at all.
 */
const PROBE_OK_SHARE = 0.95;
/** The user the refused writes name: it must have no profile afterwards. */
const INTRUDER = 'drill-intruder';

/**
 * Calls without a token, with an unknown one, and writes with a read-only token, each at the
 * measured capacity, while a probe with a valid token keeps asking: every refused call gets its
 * code (UNAUTHENTICATED, PERMISSION_DENIED), nothing is written, the valid calls are answered.
 */
export async function accessDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps, topology } = context;
  const address = topology.gatewayAddress;
  const itemId = context.bundles.current.items[0].id;
  const record = new DrillRecord(
    'no token, wrong scope',
    `${PHASE_MS / 1000} s each at capacity (${Math.round(capacityRps)}/s): Recommend without a token; Recommend with an unknown token; RecordInteractions and UpsertItems with a read-only token; a probe with a valid token every ${PROBE_INTERVAL_MS} ms throughout`,
    `every call without a valid token UNAUTHENTICATED, every write with the read-only token PERMISSION_DENIED, nothing recorded; at least ${PROBE_OK_SHARE * 100} % of the probe answered; no process ends`,
  );
  const probe = startAnswerProbe(address, context.requests, { intervalMs: PROBE_INTERVAL_MS, deadlineMs, apiToken: topology.apiToken });
  const load = { address, rps: capacityRps, concurrency: inFlightCapFor(capacityRps, deadlineMs), durationMs: PHASE_MS, timeoutMs: deadlineMs };
  const phases: { name: string; metadata: Readonly<Record<string, string>>; call: string; messages: readonly unknown[]; expected: string }[] = [
    { name: 'no token', metadata: {}, call: 'dlrs.v1.Recommender.Recommend', messages: context.requests, expected: 'UNAUTHENTICATED' },
    { name: 'unknown token', metadata: { authorization: 'Bearer not-a-token' }, call: 'dlrs.v1.Recommender.Recommend', messages: context.requests, expected: 'UNAUTHENTICATED' },
    {
      name: 'read-only RecordInteractions',
      metadata: { authorization: `Bearer ${topology.readOnlyToken}` },
      call: 'dlrs.v1.Recommender.RecordInteractions',
      messages: [{ events: [{ userId: INTRUDER, interaction: { itemId, eventType: 'view' } }] }],
      expected: 'PERMISSION_DENIED',
    },
    {
      name: 'read-only UpsertItems',
      metadata: { authorization: `Bearer ${topology.readOnlyToken}` },
      call: 'dlrs.v1.Recommender.UpsertItems',
      messages: [{ items: [{ id: `${INTRUDER}-item`, features: {} }] }],
      expected: 'PERMISSION_DENIED',
    },
  ];
  for (const phase of phases) {
    const result = await runPhase({ ...load, metadata: phase.metadata, call: phase.call, messages: phase.messages });
    record.note(`${phase.name}: ${describeLoad(result)}`);
    record.check(result.calls > 0 && (result.statusCounts[phase.expected] ?? 0) === result.calls, `${phase.name}: ${statusLine(result.statusCounts)}, all ${phase.expected} expected`);
  }
  const probed = await probe.stop();
  record.note(`probe: ${probed.length} calls: ${countsOf(probed.map(answerKind))}`);
  const answered = probed.filter((answer) => answer.status === 'OK').length;
  record.check(probed.length > 0 && answered >= PROBE_OK_SHARE * probed.length, `probe: ${countsOf(probed.map((answer) => answer.status))}; at least ${PROBE_OK_SHARE * 100} % OK expected`);
  const client = recommenderClient(address, topology.apiToken);
  try {
    const profile = await callUnary((md, o, cb) => client.GetProfile({ userId: INTRUDER }, md, o, cb), { deadline: Date.now() + deadlineMs }).then(
      () => 'found',
      (error: unknown) => DlrsError.from(error).code,
    );
    record.check(profile === 'NOT_FOUND', `the refused writes' user: ${profile}, NOT_FOUND expected`);
  } finally {
    client.close();
  }
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
