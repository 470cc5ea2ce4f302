import type { ModelBundle } from '../../shared/bundle/index.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { Topology } from '../../test/fixtures/serve-topology.js';
import type { DelayProxyProcess } from './delay-proxy-process.js';
import type { ServiceOutput } from './service-output.js';

/** What every drill works with: the running topology and the traffic to send it. */
export interface DrillContext {
  topology: Topology;
  /** Shards of the topology. */
  shardCount: number;
  /** The proxy the gateway dials for `slowShard` (no delay unless a drill sets one). */
  slowShardProxy: DelayProxyProcess;
  /** The service behind {@link slowShardProxy}, e.g. `retrieval 1`. */
  slowShard: string;
  /** Recommend requests of users with stored profiles: each takes the full path (UserNet, every shard, RankNet). */
  requests: RecommendRequest[];
  /** Deadline of every drill call. */
  deadlineMs: number;
  /** Full-path Recommend calls per second the topology sustained when measured (set before the drills). */
  capacityRps: number;
  /** Share of capacityRps the fault drills (slow, kill, rollout) load the topology with. */
  faultLoadShare: number;
  /** The bundle served at the start, and the one the rollout drill switches to. */
  bundles: { current: ModelBundle; next: ModelBundle };
  /** What the topology's processes print, by service name. */
  output: ServiceOutput;
  /** Progress lines. */
  log(line: string): void;
}

/** Process ids of every service now, by name. */
export function servicePids(context: DrillContext): Map<string, number | undefined> {
  const names = ['gateway', 'ranking', ...Array.from({ length: context.shardCount }, (_, i) => `retrieval ${i}`)];
  return new Map(names.map((name) => [name, context.topology.service(name).process.pid]));
}

/** Services whose process has ended, by name. */
export function deadServices(context: DrillContext): string[] {
  const names = ['gateway', 'ranking', ...Array.from({ length: context.shardCount }, (_, i) => `retrieval ${i}`)];
  return names.filter((name) => context.topology.service(name).process.hasExited);
}

/** Waits `ms`. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
