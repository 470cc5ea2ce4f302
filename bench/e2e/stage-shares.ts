// The gateway's stage split of Recommend, from the spans the services exported (OTLP).
import type { ReceivedSpan } from '../../test/fixtures/otlp-receiver.js';

/** OTLP span kind of a server span. */
const SPAN_KIND_SERVER = 2;

/** The share of each gateway stage in the Recommend latency, 0..1. */
export interface StageShares {
  traces: number;
  meanMs: number;
  embed: number;
  search: number;
  rank: number;
  other: number;
  /** The part of each stage spent inside the tier (its server span; the slowest shard for search). */
  inTier: { embed: number; search: number; rank: number };
}

/**
 * Mean duration of each stage over the Recommend traces, as shares of the mean Recommend
 * duration: embed users, search (the shards in parallel: first start to last end), rank,
 * and the rest (parsing, merging, answering, waiting for the event loop).
 */
export function stageShares(spans: readonly ReceivedSpan[]): StageShares | undefined {
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const siblings = children.get(span.parentSpanId);
    if (siblings) siblings.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const ms = (ns: bigint): number => Number(ns) / 1e6;
  let total = 0;
  let embed = 0;
  let search = 0;
  let rank = 0;
  let traces = 0;
  const inTier = { embed: 0, search: 0, rank: 0 };
  // stage span → its client span → the tier's server span.
  const tierMs = (stage: ReceivedSpan): number => {
    const server = (children.get(stage.spanId) ?? []).flatMap((client) => children.get(client.spanId) ?? []).find((span) => span.kind === SPAN_KIND_SERVER);
    return server === undefined ? 0 : ms(server.endNs - server.startNs);
  };
  for (const recommend of spans) {
    if (recommend.name !== 'dlrs.v1.Recommender/Recommend') continue;
    const stages = children.get(recommend.spanId) ?? [];
    const embedSpan = stages.find((s) => s.name === 'gateway embed users');
    const rankSpan = stages.find((s) => s.name === 'gateway rank');
    const searches = stages.filter((s) => s.name.startsWith('gateway search shard'));
    if (embedSpan === undefined || rankSpan === undefined || searches.length === 0) continue;
    traces++;
    total += ms(recommend.endNs - recommend.startNs);
    embed += ms(embedSpan.endNs - embedSpan.startNs);
    rank += ms(rankSpan.endNs - rankSpan.startNs);
    const first = searches.reduce((a, s) => (s.startNs < a ? s.startNs : a), searches[0].startNs);
    const last = searches.reduce((a, s) => (s.endNs > a ? s.endNs : a), searches[0].endNs);
    search += ms(last - first);
    inTier.embed += tierMs(embedSpan);
    inTier.rank += tierMs(rankSpan);
    inTier.search += Math.max(...searches.map(tierMs));
  }
  if (traces === 0) return undefined;
  return {
    traces,
    meanMs: total / traces,
    embed: embed / total,
    search: search / total,
    rank: rank / total,
    other: (total - embed - search - rank) / total,
    inTier: { embed: inTier.embed / total, search: inTier.search / total, rank: inTier.rank / total },
  };
}
