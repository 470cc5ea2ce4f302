import { setImmediate as nextTurn } from 'node:timers/promises';
import { DlrsError } from '../../shared/errors/index.js';
import type { Item } from '../../shared/features/index.js';
import type { DeleteItemsRequest__Output } from '../../shared/generated/dlrs/v1/DeleteItemsRequest.js';
import type { DeleteItemsResponse } from '../../shared/generated/dlrs/v1/DeleteItemsResponse.js';
import type { EmbedItemsRequest__Output } from '../../shared/generated/dlrs/v1/EmbedItemsRequest.js';
import type { EmbedItemsResponse } from '../../shared/generated/dlrs/v1/EmbedItemsResponse.js';
import type { FeatureValue } from '../../shared/generated/dlrs/v1/FeatureValue.js';
import type { GetItemsRequest__Output } from '../../shared/generated/dlrs/v1/GetItemsRequest.js';
import type { GetItemsResponse } from '../../shared/generated/dlrs/v1/GetItemsResponse.js';
import type { Item as ProtoItem } from '../../shared/generated/dlrs/v1/Item.js';
import type { LoadModelRequest__Output } from '../../shared/generated/dlrs/v1/LoadModelRequest.js';
import type { ModelInfo } from '../../shared/generated/dlrs/v1/ModelInfo.js';
import type { SearchRequest__Output } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchResult } from '../../shared/generated/dlrs/v1/SearchResult.js';
import type { SnapshotResponse } from '../../shared/generated/dlrs/v1/SnapshotResponse.js';
import type { StatsResponse } from '../../shared/generated/dlrs/v1/StatsResponse.js';
import type { StoredItem } from '../../shared/generated/dlrs/v1/StoredItem.js';
import type { UpsertItemsRequest__Output } from '../../shared/generated/dlrs/v1/UpsertItemsRequest.js';
import type { UpsertItemsResponse } from '../../shared/generated/dlrs/v1/UpsertItemsResponse.js';
import type { Gauge } from '@opentelemetry/api';
import type { Logger } from '../../shared/logging/index.js';
import type { MetricsRegistry } from '../../shared/metrics/index.js';
import { shardOf } from '../../shared/sharding/index.js';
import { decodeIds, decodeItems, decodeItemsToEmbed, decodeSearch } from './wire/decode-request.js';
import type { RequestLimits, ShardIdentity } from './wire/decode-request.js';
import type { DurableShard, RecoveryModel } from './durability/durable-shard.js';
import { NO_BUNDLE_ROW } from '../../shared/proto/index.js';
import { DEFAULT_TURN_BUDGET_MS } from './store/indexed-store.js';
import type { IndexedStore, ShardHits } from './store/indexed-store.js';
import type { ItemStore } from './store/item-store.js';
import { attributeFieldsOf } from './model/served-model.js';
import type { ModelOpener, ServedModel } from './model/served-model.js';

/** Why 60 s: an upsert that started embedding with the old ItemNet finishes well within it; then the old session's memory is freed. */
const RETIRED_MODEL_GRACE_MS = 60_000;

/**
 * The Retrieval RPCs of one shard, free of gRPC: each method takes the
 * decoded request and returns the response message, or throws a DlrsError.
 */
export class RetrievalService {
  private model: ServedModel;
  private readonly shard: DurableShard;
  private readonly identity: ShardIdentity;
  private readonly limits: RequestLimits;
  private readonly openModel: ModelOpener;
  private readonly logger: Logger;
  private readonly itemsGauge: Gauge<{ shard: string }>;
  private switching: Promise<ModelInfo> | undefined;

  constructor(options: { model: ServedModel; shard: DurableShard; identity: ShardIdentity; limits: RequestLimits; openModel: ModelOpener; logger: Logger; metrics: MetricsRegistry }) {
    this.itemsGauge = options.metrics.gauge('dlrs_retrieval_items', "items in the shard's index");
    this.model = options.model;
    this.shard = options.shard;
    this.identity = options.identity;
    this.limits = options.limits;
    this.openModel = options.openModel;
    this.logger = options.logger;
    this.recordItemCount();
  }

  /**
   * Nearest items for one or several queries, by `deadlineAtMs` (ms since
   * the epoch): DEADLINE_EXCEEDED once it passed. Queries run one at a time (the
   * graph search in the index worker, filtering and exact re-scoring here)
   * and the event loop gets a turn whenever a request has used a turn's
   * budget, so a request of many large queries does not hold up other calls;
   * all queries see the model version served when the request arrived.
   */
  async search(request: SearchRequest__Output, deadlineAtMs = Number.POSITIVE_INFINITY): Promise<SearchResponse> {
    const state = this.shard.state;
    const query = decodeSearch(request, state, this.limits);
    const dim = state.store.dim;
    const results: SearchResult[] = [];
    let turnStarted = performance.now();
    for (let q = 0; q < query.queryCount; q++) {
      if (performance.now() - turnStarted >= DEFAULT_TURN_BUDGET_MS) {
        await nextTurn();
        turnStarted = performance.now();
      }
      // Checked before every query: a request that waited past its time is not searched (further).
      if (Date.now() >= deadlineAtMs) throw new DlrsError('DEADLINE_EXCEEDED', `the request's timeout_ms passed after ${q} of ${query.queryCount} queries`);
      const [hits] = await state.search({ ...query, queries: query.queries.subarray(q * dim, (q + 1) * dim), queryCount: 1 });
      // Read out now: after a yield, a slot may hold another item.
      results.push(this.searchResult(state, hits, request.includeEmbeddings, request.omitBundleEmbeddings));
    }
    return { requestId: request.requestId, modelVersion: state.modelVersion, shard: this.identity.index, dim, results };
  }

  /** Embeds and stores items; resolves once they are durable. */
  async upsertItems(request: UpsertItemsRequest__Output): Promise<UpsertItemsResponse> {
    const model = this.model;
    const items = decodeItems(request.items, attributeFieldsOf(model.spec), this.identity, this.limits.maxIds);
    const embedded = await model.embedder.embed(items);
    const modelVersion = await this.shard.upsert(items, embedded, model.modelVersion);
    this.recordItemCount();
    return { upserted: items.length, modelVersion };
  }

  /**
   * ItemNet's e_i and b_i of items not to be stored, with the served model (the one UpsertItems
   * embeds with), whose version the answer names; nothing in the shard changes.
   */
  async embedItems(request: EmbedItemsRequest__Output): Promise<EmbedItemsResponse> {
    const model = this.model;
    if (request.modelVersion !== '' && request.modelVersion !== model.modelVersion) {
      throw new DlrsError('FAILED_PRECONDITION', `model version ${request.modelVersion} is not served; this shard serves ${model.modelVersion}`, { field: 'model_version' });
    }
    const items = decodeItemsToEmbed(request.items, attributeFieldsOf(model.spec), this.limits.maxIds);
    const { embeddings, biases } = await model.embedder.embed(items);
    return { modelVersion: model.modelVersion, dim: model.dim, embeddings: floatBytes(embeddings), biases: floatBytes(biases) };
  }

  /** Removes items; resolves once the removal is durable. */
  async deleteItems(request: DeleteItemsRequest__Output): Promise<DeleteItemsResponse> {
    const ids = decodeIds(request.itemIds, 'item_ids', this.limits.maxIds);
    const result = await this.shard.delete(ids);
    this.recordItemCount();
    return result;
  }

  /** Items by id, in request order, with their embeddings on request. */
  getItems(request: GetItemsRequest__Output): GetItemsResponse {
    const ids = decodeIds(request.itemIds, 'item_ids', this.limits.maxIds);
    const state = this.shard.state;
    const store = state.store;
    const items: StoredItem[] = [];
    const notFound: string[] = [];
    for (const id of ids) {
      const slot = store.slotOf(id);
      if (slot === undefined) {
        notFound.push(id);
        continue;
      }
      const stored: StoredItem = { item: toProtoItem(store.itemAt(slot) as Item) };
      if (request.includeEmbeddings) {
        stored.embedding = floatBytes(store.embeddingAt(slot));
        stored.bias = store.biasAt(slot);
      }
      items.push(stored);
    }
    return { items, notFound, modelVersion: state.modelVersion, dim: store.dim };
  }

  /** The shard's counts and settings. */
  stats(): StatsResponse {
    const state = this.shard.state;
    const options = state.index.options;
    return {
      itemCount: state.store.size,
      memoryBytes: state.memoryBytes(),
      modelVersion: state.modelVersion,
      shardIndex: this.identity.index,
      shardCount: this.identity.count,
      dim: state.store.dim,
      metric: 'ip',
      connectivity: options.connectivity,
      expansionAdd: options.expansionAdd,
      expansionSearch: options.expansionSearch,
      quantization: options.quantization,
      logEntriesSinceSnapshot: this.shard.recordsSinceSnapshot,
      lastSnapshotMs: this.shard.lastSnapshotMs,
    };
  }

  /** Writes a snapshot now. */
  async snapshot(): Promise<SnapshotResponse> {
    const written = await this.shard.snapshot();
    return { itemCount: written.meta.itemCount, durationMs: written.durationMs, path: written.path };
  }

  /** The served model. */
  modelInfo(): ModelInfo {
    return { modelVersion: this.model.modelVersion, dim: this.model.dim, bundlePath: this.model.bundlePath, loadedAtMs: this.model.loadedAtMs };
  }

  /**
   * Loads another bundle, embeds and indexes the shard's items with it while
   * the current model keeps serving, and switches atomically; resolves with
   * the new model once it serves. A second LoadModel meanwhile is FAILED_PRECONDITION.
   */
  loadModel(request: LoadModelRequest__Output): Promise<ModelInfo> {
    if (request.bundlePath === '') return Promise.reject(new DlrsError('INVALID_ARGUMENT', 'is required', { field: 'bundle_path' }));
    if (this.switching !== undefined) return Promise.reject(new DlrsError('FAILED_PRECONDITION', 'a model switch is already in progress'));
    this.switching = this.switchTo(request.bundlePath).finally(() => {
      this.switching = undefined;
    });
    return this.switching;
  }

  private async switchTo(bundlePath: string): Promise<ModelInfo> {
    const next = await this.openModel(bundlePath);
    if (next.modelVersion === this.model.modelVersion) {
      await next.embedder.release();
      return this.modelInfo();
    }
    this.logger.info({ from: this.model.modelVersion, to: next.modelVersion, items: this.shard.state.store.size }, 'switching model');
    try {
      await this.shard.switchModel(recoveryModelOf(next, this.identity));
    } catch (error) {
      await next.embedder.release();
      throw error;
    }
    const retired = this.model;
    this.model = next;
    setTimeout(() => void retired.embedder.release(), RETIRED_MODEL_GRACE_MS).unref();
    this.recordItemCount();
    this.logger.info({ modelVersion: next.modelVersion }, 'model switched');
    return this.modelInfo();
  }

  private recordItemCount(): void {
    this.itemsGauge.record(this.shard.state.store.size, { shard: String(this.identity.index) });
  }

  /**
   * The wire form of one query's hits: ids, and with embeddings the rows and
   * biases copied out of the store into one buffer (no view of the store: a
   * later mutation must not change a response not yet serialised). With
   * `omitBundleRows`, the rows of items still as the bundle gave them are
   * left out and their bundle row numbers sent instead (the caller's
   * ranking holds them at those rows).
   */
  private searchResult(state: IndexedStore, hit: ShardHits, includeEmbeddings: boolean, omitBundleRows: boolean): SearchResult {
    const store = state.store;
    const slots = hit.slots;
    const count = slots.length;
    const itemIds = new Array<string>(count);
    for (let i = 0; i < count; i++) itemIds[i] = store.idAt(slots[i]) as string;
    // A view: the hits are this search's own arrays.
    const similarities = Buffer.from(hit.similarities.buffer, hit.similarities.byteOffset, hit.similarities.byteLength);
    if (!includeEmbeddings) return { itemIds, similarities };
    let bundleRows: Buffer | undefined;
    let shipped = slots;
    if (omitBundleRows) {
      bundleRows = Buffer.allocUnsafe(4 * count);
      let kept = 0;
      for (let i = 0; i < count; i++) {
        const row = store.bundleRowAt(slots[i]);
        bundleRows.writeUInt32LE(row, 4 * i);
        if (row === NO_BUNDLE_ROW) kept++;
      }
      shipped = new Int32Array(kept);
      for (let i = 0, j = 0; i < count; i++) if (store.bundleRowAt(slots[i]) === NO_BUNDLE_ROW) shipped[j++] = slots[i];
    }
    return { itemIds, similarities, ...copyRows(store, shipped), bundleRows };
  }
}

/**
 * The embeddings and biases of the given slots, copied out of the store into one buffer. The
 * biases and the first value of every row first: independent loads whose cache and TLB misses
 * the CPU overlaps, where the row-by-row copy would wait for each row's misses in turn (the rows
 * of a large store are cold; this halves the copy).
 */
function copyRows(store: ItemStore, slots: ArrayLike<number>): { embeddings: Buffer; biases: Buffer } {
  const count = slots.length;
  const dim = store.dim;
  const bytes = Buffer.allocUnsafe(4 * count * (dim + 1));
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, count * (dim + 1));
  const rows = store.embeddings;
  const biases = store.biases;
  for (let i = 0; i < count; i++) {
    floats[i * dim] = rows[slots[i] * dim];
    floats[count * dim + i] = biases[slots[i]];
  }
  for (let i = 0; i < count; i++) {
    // Element by element: a subarray per row would allocate a view per candidate.
    for (let j = 1, from = slots[i] * dim, to = i * dim; j < dim; j++) floats[to + j] = rows[from + j];
  }
  return { embeddings: bytes.subarray(0, 4 * count * dim), biases: bytes.subarray(4 * count * dim) };
}

/** What the durable shard needs of a served model to recover and re-embed; its initial items are this shard's part of the catalog. */
export function recoveryModelOf(model: ServedModel, identity: ShardIdentity): RecoveryModel {
  return {
    modelVersion: model.modelVersion,
    dim: model.dim,
    fields: attributeFieldsOf(model.spec),
    initialItems: async () => (await model.catalog()).filter((item) => shardOf(item.id, identity.count) === identity.index),
    bundleItems: () => model.catalog(),
    embed: (items) => model.embedder.embed(items),
  };
}

function toProtoItem(item: Item): ProtoItem {
  const features: Record<string, FeatureValue> = {};
  for (const [name, value] of Object.entries(item.features)) {
    features[name] = typeof value === 'number' ? { number: value } : Array.isArray(value) ? { texts: { values: value } } : { text: value };
  }
  return { id: item.id, title: item.title ?? '', features };
}

/** A copy: a view would let a later mutation of the store change a response not yet serialised. */
function floatBytes(values: Float32Array): Buffer {
  return Buffer.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
