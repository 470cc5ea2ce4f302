import { DlrsError } from '../../../shared/errors/index.js';
import type { Item, RawFeatureValue } from '../../../shared/features/index.js';
import { callUnary } from '../../../shared/grpc/index.js';
import type { DeleteItemsResponse__Output } from '../../../shared/generated/dlrs/v1/DeleteItemsResponse.js';
import type { EmbedItemsResponse__Output } from '../../../shared/generated/dlrs/v1/EmbedItemsResponse.js';
import type { FeatureValue__Output } from '../../../shared/generated/dlrs/v1/FeatureValue.js';
import type { Item as ItemMessage } from '../../../shared/generated/dlrs/v1/Item.js';
import type { GetItemsResponse__Output } from '../../../shared/generated/dlrs/v1/GetItemsResponse.js';
import type { RetrievalClient } from '../../../shared/generated/dlrs/v1/Retrieval.js';
import type { UpsertItemsResponse__Output } from '../../../shared/generated/dlrs/v1/UpsertItemsResponse.js';
import type { Logger } from '../../../shared/logging/index.js';
import type { CallBudget, EmbeddedItem, ItemEmbeddings } from '../recommend/index.js';

/** The catalog spread over the retrieval shards: every item lives on the shard `shardOf` names. */
export interface ShardedCatalog {
  /** The items found (title and raw features), by id; absent ids do not exist. */
  getItems(itemIds: readonly string[], budget: CallBudget): Promise<Map<string, Item>>;
  /** The ItemNet embeddings e_i of the items found, by id; absent ids do not exist. */
  getEmbeddings(itemIds: readonly string[], budget: CallBudget): Promise<ItemEmbeddings>;
  /**
   * ItemNet's e_i of an item outside the catalog, from one shard (EmbedItems): the shards take
   * turns, and one that fails hands the call to the next while the budget lasts. A shard's
   * INVALID_ARGUMENT names the field as the caller sent it (`item.features[...]`).
   */
  embedItem(item: ItemMessage, budget: CallBudget): Promise<EmbeddedItem>;
  /** Upserts each item on its shard; resolves once every shard made its part durable. */
  upsertItems(items: readonly ItemMessage[], budget: CallBudget): Promise<{ upserted: number; modelVersion: string }>;
  /** Deletes each id on its shard. */
  deleteItems(itemIds: readonly string[], budget: CallBudget): Promise<{ deleted: number; notFound: string[] }>;
}

/**
 * The catalog over one client per shard (index = shard number). A call touching several
 * shards runs on them in parallel and fails when any of them fails, naming the shard; parts
 * already written on other shards stay written, and a retry rewrites them harmlessly. A
 * shard's failure reaches the caller as its shard index and status code; only a shard's
 * INVALID_ARGUMENT keeps its message, which names the caller's field at fault. The full
 * cause (downstream text, addresses) goes to `logger`.
 */
export function shardedCatalog(clients: readonly RetrievalClient[], shardOf: (itemId: string) => number, logger?: Logger): ShardedCatalog {
  const route = <T>(values: readonly T[], idOf: (value: T) => string): Map<number, T[]> => {
    const byShard = new Map<number, T[]>();
    for (const value of values) {
      const shard = shardOf(idOf(value));
      const list = byShard.get(shard);
      if (list) list.push(value);
      else byShard.set(shard, [value]);
    }
    return byShard;
  };
  const onShards = async <T, R>(byShard: Map<number, T[]>, call: (client: RetrievalClient, part: T[]) => Promise<R>): Promise<R[]> =>
    Promise.all(
      [...byShard].map(async ([shard, part]) => {
        const client = clients[shard];
        if (client === undefined) throw new DlrsError('INTERNAL', `shard ${shard} is not configured (${clients.length} shards)`);
        try {
          return await call(client, part);
        } catch (error) {
          const failure = DlrsError.from(error);
          if (failure.code === 'INVALID_ARGUMENT') throw new DlrsError(failure.code, `shard ${shard}: ${failure.rawMessage}`, { field: failure.field, cause: error });
          logger?.warn({ err: error, shard, code: failure.code }, 'catalog call to a shard failed');
          throw new DlrsError(failure.code, `shard ${shard} failed with ${failure.code}`, { cause: error });
        }
      }),
    );
  let nextEmbedShard = 0;
  return {
    async embedItem(item, budget) {
      const first = nextEmbedShard++ % clients.length;
      let failure: DlrsError | undefined;
      for (let turn = 0; turn < clients.length && !budget.signal.aborted && Date.now() < budget.deadlineMs; turn++) {
        const shard = (first + turn) % clients.length;
        try {
          const answer = await callUnary<EmbedItemsResponse__Output>((metadata, options, callback) => clients[shard].EmbedItems({ items: [item] }, metadata, options, callback), {
            signal: budget.signal,
            deadline: budget.deadlineMs,
          });
          return { modelVersion: answer.modelVersion, dim: answer.dim, embedding: answer.embeddings };
        } catch (error) {
          const problem = DlrsError.from(error);
          if (problem.code === 'INVALID_ARGUMENT') throw new DlrsError(problem.code, `shard ${shard}: ${problem.rawMessage}`, { field: callerField(problem.field), cause: error });
          logger?.warn({ err: error, shard, code: problem.code }, 'embed items on a shard failed; trying the next');
          failure = new DlrsError(problem.code, `shard ${shard} failed with ${problem.code}`, { cause: error });
        }
      }
      throw failure ?? new DlrsError('DEADLINE_EXCEEDED', 'no time left to embed the item');
    },
    async getItems(itemIds, budget) {
      const answers = await onShards(route(itemIds, (id) => id), (client, part) =>
        callUnary<GetItemsResponse__Output>((metadata, options, callback) => client.GetItems({ itemIds: part }, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
      );
      const found = new Map<string, Item>();
      for (const answer of answers) {
        for (const { item } of answer.items) {
          if (item) found.set(item.id, { id: item.id, ...(item.title === '' ? {} : { title: item.title }), features: rawFeatures(item.features) });
        }
      }
      return found;
    },
    async getEmbeddings(itemIds, budget) {
      const answers = await onShards(route(itemIds, (id) => id), (client, part) =>
        callUnary<GetItemsResponse__Output>((metadata, options, callback) => client.GetItems({ itemIds: part, includeEmbeddings: true }, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
      );
      const versions = new Set(answers.map((answer) => `${answer.modelVersion}/${answer.dim}`));
      if (versions.size > 1) throw new DlrsError('UNAVAILABLE', `the shards serve different models (${[...versions].join(', ')}); retry once the rollout is done`);
      const embeddings = new Map<string, Buffer>();
      for (const answer of answers) {
        for (const { item, embedding } of answer.items) {
          if (item) embeddings.set(item.id, embedding);
        }
      }
      return { modelVersion: answers[0]?.modelVersion ?? '', dim: answers[0]?.dim ?? 0, embeddings };
    },
    async upsertItems(items, budget) {
      const answers = await onShards(route(items, (item) => item.id ?? ''), (client, part) =>
        callUnary<UpsertItemsResponse__Output>((metadata, options, callback) => client.UpsertItems({ items: part }, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
      );
      return { upserted: answers.reduce((sum, a) => sum + a.upserted, 0), modelVersion: answers[0]?.modelVersion ?? '' };
    },
    async deleteItems(itemIds, budget) {
      const answers = await onShards(route(itemIds, (id) => id), (client, part) =>
        callUnary<DeleteItemsResponse__Output>((metadata, options, callback) => client.DeleteItems({ itemIds: part }, metadata, options, callback), { signal: budget.signal, deadline: budget.deadlineMs }),
      );
      return { deleted: answers.reduce((sum, a) => sum + a.deleted, 0), notFound: answers.flatMap((a) => a.notFound) };
    },
  };
}

/** Raw features (the feature encoder's form) of an Item message's feature map. */
export function rawFeatures(features: Readonly<Record<string, FeatureValue__Output>>): Item['features'] {
  const raw: Record<string, RawFeatureValue> = Object.create(null);
  for (const [name, value] of Object.entries(features)) {
    const converted = value.value === 'text' ? value.text : value.value === 'texts' ? value.texts?.values : value.value === 'number' ? value.number : undefined;
    if (converted !== undefined) Object.defineProperty(raw, name, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return raw;
}

/** A shard's name of the EmbedItems field at fault (`items[0].features[year]`) as the SimilarItems caller sent it (`item.features["year"]`). */
function callerField(field: string | undefined): string | undefined {
  const feature = field === undefined ? null : /^items\[0\]\.features\[(.*)\]$/.exec(field);
  if (feature) return `item.features[${JSON.stringify(feature[1])}]`;
  return field?.replace(/^items\[0\]/, 'item');
}
