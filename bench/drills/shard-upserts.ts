import { credentials } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { UpsertItemsResponse__Output } from '../../shared/generated/dlrs/v1/UpsertItemsResponse.js';
import { drillItem } from './acknowledged-upserts.js';
import type { DrillContext } from './drill-context.js';

/** Deadline of one UpsertItems: a shard acknowledges after its fsync. */
const UPSERT_DEADLINE_MS = 5000;

/** Upserts new items of one shard through the gateway, one call at a time. */
export interface ShardWriter {
  /** One UpsertItems of `count` new items, all owned by the shard: their ids once acknowledged; rejects with the DlrsError otherwise. */
  upsert(count: number): Promise<string[]>;
  close(): void;
}

/** A writer of new items `${prefix}-n` that shard `shard` owns, with the features of catalog items, presenting the topology's API token. */
export function shardWriter(context: DrillContext, shard: number, prefix: string): ShardWriter {
  const { topology, shardCount } = context;
  const catalog = context.bundles.current.items;
  const client: RecommenderClient = new (loadProtos().grpcObject.dlrs.v1.Recommender)(topology.gatewayAddress, credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
    interceptors: [bearerTokenInterceptor(topology.apiToken)],
  });
  let n = 0;
  const nextId = (): string => {
    for (;;) {
      const id = `${prefix}-${n++}`;
      if (shardOf(id, shardCount) === shard) return id;
    }
  };
  return {
    async upsert(count) {
      const items = Array.from({ length: count }, () => drillItem(catalog[n % catalog.length], nextId()));
      await callUnary<UpsertItemsResponse__Output>((md, o, cb) => client.UpsertItems({ items }, md, o, cb), { deadline: Date.now() + UPSERT_DEADLINE_MS });
      return items.map((item) => item.id);
    },
    close() {
      client.close();
    },
  };
}

/** `calls` UpsertItems of `itemsPerCall` new items of shard `shard`, one after another: the ids of each acknowledged call, and the codes of the others. */
export async function shardUpserts(context: DrillContext, shard: number, prefix: string, calls: number, itemsPerCall: number): Promise<{ acknowledged: string[][]; failures: string[] }> {
  const writer = shardWriter(context, shard, prefix);
  const acknowledged: string[][] = [];
  const failures: string[] = [];
  try {
    for (let i = 0; i < calls; i++) {
      try {
        acknowledged.push(await writer.upsert(itemsPerCall));
      } catch (error) {
        failures.push(DlrsError.from(error).code);
      }
    }
  } finally {
    writer.close();
  }
  return { acknowledged, failures };
}
