import { performance } from 'node:perf_hooks';
import { credentials } from '@grpc/grpc-js';
import type { Item } from '../../shared/features/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import type { FeatureValue } from '../../shared/generated/dlrs/v1/FeatureValue.js';
import type { Item as ItemMessage } from '../../shared/generated/dlrs/v1/Item.js';
import type { GetItemsResponse__Output } from '../../shared/generated/dlrs/v1/GetItemsResponse.js';
import type { UpsertItemsResponse__Output } from '../../shared/generated/dlrs/v1/UpsertItemsResponse.js';

/** Deadline of one UpsertItems: a shard acknowledges after its fsync. */
const UPSERT_DEADLINE_MS = 2000;
/** Ids per GetItems, below the shards' limit. */
const IDS_PER_GET = 200;

/** An upsert the gateway acknowledged: the ids and when. */
export interface AcknowledgedUpsert {
  ids: string[];
  /** performance.now() when the acknowledgement arrived. */
  ackedMs: number;
}

/** A running writer. */
export interface UpsertWriter {
  /** Stops writing; resolves once the last call has ended. */
  stop(): Promise<{ acknowledged: AcknowledgedUpsert[]; failed: Map<string, number> }>;
}

function featureMessage(value: Item['features'][string]): FeatureValue {
  if (typeof value === 'number') return { number: value };
  return Array.isArray(value) ? { texts: { values: value } } : { text: value };
}

/** A new item `id` with the features of catalog item `source`, as UpsertItems takes it. */
export function drillItem(source: Item, id: string): ItemMessage & { id: string } {
  return { id, title: `drill ${id}`, features: Object.fromEntries(Object.entries(source.features).map(([name, value]) => [name, featureMessage(value)])) };
}

/**
 * Upserts `itemsPerCall` new items (ids `${prefix}-n`, features of catalog items) through the
 * gateway, one call after another, and records which were acknowledged.
 */
export function startUpsertWriter(gateway: string, apiToken: string, catalog: readonly Item[], prefix: string, itemsPerCall: number): UpsertWriter {
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(gateway, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(apiToken)] });
  const acknowledged: AcknowledgedUpsert[] = [];
  const failed = new Map<string, number>();
  let stopped = false;
  let n = 0;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const items = Array.from({ length: itemsPerCall }, () => {
        const source = catalog[n % catalog.length];
        return drillItem(source, `${prefix}-${n++}`);
      });
      try {
        await callUnary<UpsertItemsResponse__Output>((md, o, cb) => client.UpsertItems({ items }, md, o, cb), { deadline: Date.now() + UPSERT_DEADLINE_MS });
        acknowledged.push({ ids: items.map((item) => item.id), ackedMs: performance.now() });
      } catch (error) {
        const code = DlrsError.from(error).code;
        failed.set(code, (failed.get(code) ?? 0) + 1);
        // A shard that is down refuses at once; do not spin on it.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
      client.close();
      return { acknowledged, failed };
    },
  };
}

/** The ids among `ids` that the shard at `address` does not hold. */
export async function missingOnShard(address: string, ids: readonly string[]): Promise<string[]> {
  const client = new (loadProtos().grpcObject.dlrs.v1.Retrieval)(address, credentials.createInsecure());
  try {
    const missing: string[] = [];
    for (let start = 0; start < ids.length; start += IDS_PER_GET) {
      const itemIds = ids.slice(start, start + IDS_PER_GET);
      const answer = await callUnary<GetItemsResponse__Output>((md, o, cb) => client.GetItems({ itemIds }, md, o, cb), { deadline: Date.now() + UPSERT_DEADLINE_MS });
      missing.push(...answer.notFound);
    }
    return missing;
  } finally {
    client.close();
  }
}

/** The ids of `ids` that shard `shard` of `shardCount` owns. */
export function idsOfShard(ids: readonly string[], shard: number, shardCount: number): string[] {
  return ids.filter((id) => shardOf(id, shardCount) === shard);
}
