import { deadServices } from './drill-context.js';
import type { DrillContext } from './drill-context.js';
import { describeLoad, inFlightCapFor, runPhase, statusLine } from './drill-load.js';
import { DrillRecord } from './drill-result.js';
import type { DrillResult } from './drill-result.js';

const DURATION_MS = 5000;
/** Requests on each RecommendStream, valid and malformed mixed. */
const STREAM_LENGTH = 6;

/** Recommend requests the gateway must refuse with INVALID_ARGUMENT, each naming what is wrong. */
function malformedRequests(userId: string): Record<string, unknown>[] {
  return [
    { k: 10 },
    { userId, k: 100_000 },
    { userId, k: 10, candidates: 5 },
    { userId, filter: { clauses: [{ field: 'no_such_feature', equals: 'x' }] } },
    { userId, filter: { clauses: [{ field: 'no_such_feature' }] } },
    { userId, excludeIds: [''] },
    { context: { interactions: Array.from({ length: 10_000 }, (_, i) => ({ itemId: `i${i}`, eventType: 'view' })) } },
  ];
}

/**
 * A stream of malformed requests at the measured capacity, unary and on RecommendStream, a
 * valid request among them: nothing crashes, each bad request is refused alone, by code.
 */
export async function malformedRequestsDrill(context: DrillContext): Promise<DrillResult> {
  const { deadlineMs, capacityRps } = context;
  const address = context.topology.gatewayAddress;
  const valid = context.requests[0];
  const userId = valid.userId ?? '';
  const bad = malformedRequests(userId);
  const unaryMessages = [...bad, valid];
  const streamMessages = [
    { ...valid, requestId: 's-valid-1' },
    { ...valid, requestId: '' },
    ...bad.slice(1, 4).map((m, i) => ({ ...m, requestId: `s-bad-${i}` })),
    { ...valid, requestId: 's-valid-2' },
  ];
  const badOnStream = streamMessages.length - 2;
  const record = new DrillRecord(
    'malformed requests',
    `${DURATION_MS / 1000} s at capacity (${Math.round(capacityRps)}/s) of unary Recommend cycling through ${bad.length} malformed requests and 1 valid; then RecommendStream, each stream ${STREAM_LENGTH} requests (${badOnStream} malformed), at the same request rate`,
    'every malformed request INVALID_ARGUMENT, every valid one answered; streams stay open (status OK, one answer per request); no process ends',
  );
  const unary = await runPhase({ address, metadata: context.topology.gatewayMetadata, messages: unaryMessages, rps: capacityRps, concurrency: inFlightCapFor(capacityRps, deadlineMs), durationMs: DURATION_MS, timeoutMs: deadlineMs });
  record.note(`unary: ${describeLoad(unary)}`);
  const expectedValid = Math.floor(unary.calls / unaryMessages.length);
  const invalid = unary.statusCounts.INVALID_ARGUMENT ?? 0;
  const ok = unary.statusCounts.OK ?? 0;
  record.check(ok + invalid === unary.calls, `unary: statuses other than OK and INVALID_ARGUMENT: ${statusLine(unary.statusCounts)}`);
  record.check(Math.abs(ok - expectedValid) <= 1, `unary: ${ok} OK, ${expectedValid} valid requests sent`);

  const streamsPerSecond = capacityRps / STREAM_LENGTH;
  const streams = await runPhase({
    address,
    metadata: context.topology.gatewayMetadata,
    call: 'dlrs.v1.Recommender.RecommendStream',
    messages: streamMessages,
    rps: streamsPerSecond,
    concurrency: inFlightCapFor(streamsPerSecond, deadlineMs),
    durationMs: DURATION_MS,
    timeoutMs: deadlineMs,
  });
  record.note(`streams: ${streams.calls} streams ended ${statusLine(streams.statusCounts)}; ${streams.streamMessages} answers, errors in them: ${statusLine(streams.messageErrors)}`);
  record.check((streams.statusCounts.OK ?? 0) === streams.calls, `streams: ${statusLine(streams.statusCounts)}`);
  record.check(streams.streamMessages === streams.calls * streamMessages.length, `streams: ${streams.streamMessages} answers to ${streams.calls * streamMessages.length} requests`);
  const streamErrors = streams.messageErrors.INVALID_ARGUMENT ?? 0;
  record.check(
    streamErrors === streams.calls * badOnStream && Object.keys(streams.messageErrors).length === 1,
    `streams: errors ${statusLine(streams.messageErrors)}, ${streams.calls * badOnStream} INVALID_ARGUMENT expected`,
  );
  const dead = deadServices(context);
  record.check(dead.length === 0, `ended: ${dead.join(', ')}`);
  return record.result();
}
