// Original file: proto/dlrs/v1/retrieval.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteItemsRequest as _dlrs_v1_DeleteItemsRequest, DeleteItemsRequest__Output as _dlrs_v1_DeleteItemsRequest__Output } from '../../dlrs/v1/DeleteItemsRequest.js';
import type { DeleteItemsResponse as _dlrs_v1_DeleteItemsResponse, DeleteItemsResponse__Output as _dlrs_v1_DeleteItemsResponse__Output } from '../../dlrs/v1/DeleteItemsResponse.js';
import type { EmbedItemsRequest as _dlrs_v1_EmbedItemsRequest, EmbedItemsRequest__Output as _dlrs_v1_EmbedItemsRequest__Output } from '../../dlrs/v1/EmbedItemsRequest.js';
import type { EmbedItemsResponse as _dlrs_v1_EmbedItemsResponse, EmbedItemsResponse__Output as _dlrs_v1_EmbedItemsResponse__Output } from '../../dlrs/v1/EmbedItemsResponse.js';
import type { GetItemsRequest as _dlrs_v1_GetItemsRequest, GetItemsRequest__Output as _dlrs_v1_GetItemsRequest__Output } from '../../dlrs/v1/GetItemsRequest.js';
import type { GetItemsResponse as _dlrs_v1_GetItemsResponse, GetItemsResponse__Output as _dlrs_v1_GetItemsResponse__Output } from '../../dlrs/v1/GetItemsResponse.js';
import type { LoadModelRequest as _dlrs_v1_LoadModelRequest, LoadModelRequest__Output as _dlrs_v1_LoadModelRequest__Output } from '../../dlrs/v1/LoadModelRequest.js';
import type { ModelInfo as _dlrs_v1_ModelInfo, ModelInfo__Output as _dlrs_v1_ModelInfo__Output } from '../../dlrs/v1/ModelInfo.js';
import type { SearchRequest as _dlrs_v1_SearchRequest, SearchRequest__Output as _dlrs_v1_SearchRequest__Output } from '../../dlrs/v1/SearchRequest.js';
import type { SearchResponse as _dlrs_v1_SearchResponse, SearchResponse__Output as _dlrs_v1_SearchResponse__Output } from '../../dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse as _dlrs_v1_SearchStreamResponse, SearchStreamResponse__Output as _dlrs_v1_SearchStreamResponse__Output } from '../../dlrs/v1/SearchStreamResponse.js';
import type { SnapshotRequest as _dlrs_v1_SnapshotRequest, SnapshotRequest__Output as _dlrs_v1_SnapshotRequest__Output } from '../../dlrs/v1/SnapshotRequest.js';
import type { SnapshotResponse as _dlrs_v1_SnapshotResponse, SnapshotResponse__Output as _dlrs_v1_SnapshotResponse__Output } from '../../dlrs/v1/SnapshotResponse.js';
import type { StatsRequest as _dlrs_v1_StatsRequest, StatsRequest__Output as _dlrs_v1_StatsRequest__Output } from '../../dlrs/v1/StatsRequest.js';
import type { StatsResponse as _dlrs_v1_StatsResponse, StatsResponse__Output as _dlrs_v1_StatsResponse__Output } from '../../dlrs/v1/StatsResponse.js';
import type { UpsertItemsRequest as _dlrs_v1_UpsertItemsRequest, UpsertItemsRequest__Output as _dlrs_v1_UpsertItemsRequest__Output } from '../../dlrs/v1/UpsertItemsRequest.js';
import type { UpsertItemsResponse as _dlrs_v1_UpsertItemsResponse, UpsertItemsResponse__Output as _dlrs_v1_UpsertItemsResponse__Output } from '../../dlrs/v1/UpsertItemsResponse.js';

/**
 * Retrieval holds one shard of the catalog: an item belongs to shard
 * fnv1a32(utf8(item_id)) mod shard_count.
 */
export interface RetrievalClient extends grpc.Client {
  /**
   * Remove items. Acknowledged once durable.
   */
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Remove items. Acknowledged once durable.
   */
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Run ItemNet on raw features without storing anything (read-only): the e_i of items that are
   * not in the catalog, e.g. the query of a SimilarItems call by features. The answer names the
   * model version whose ItemNet embedded them; search with it under that version only.
   */
  EmbedItems(argument: _dlrs_v1_EmbedItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  EmbedItems(argument: _dlrs_v1_EmbedItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  EmbedItems(argument: _dlrs_v1_EmbedItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  EmbedItems(argument: _dlrs_v1_EmbedItemsRequest, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Run ItemNet on raw features without storing anything (read-only): the e_i of items that are
   * not in the catalog, e.g. the query of a SimilarItems call by features. The answer names the
   * model version whose ItemNet embedded them; search with it under that version only.
   */
  embedItems(argument: _dlrs_v1_EmbedItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  embedItems(argument: _dlrs_v1_EmbedItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  embedItems(argument: _dlrs_v1_EmbedItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  embedItems(argument: _dlrs_v1_EmbedItemsRequest, callback: grpc.requestCallback<_dlrs_v1_EmbedItemsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Items by id, with their features and optionally their embeddings.
   */
  GetItems(argument: _dlrs_v1_GetItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  GetItems(argument: _dlrs_v1_GetItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  GetItems(argument: _dlrs_v1_GetItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  GetItems(argument: _dlrs_v1_GetItemsRequest, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Items by id, with their features and optionally their embeddings.
   */
  getItems(argument: _dlrs_v1_GetItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  getItems(argument: _dlrs_v1_GetItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  getItems(argument: _dlrs_v1_GetItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  getItems(argument: _dlrs_v1_GetItemsRequest, callback: grpc.requestCallback<_dlrs_v1_GetItemsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Load another bundle, embed and index the catalog in the background, switch atomically.
   */
  LoadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Load another bundle, embed and index the catalog in the background, switch atomically.
   */
  loadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Nearest items by inner product with one or several query embeddings.
   */
  Search(argument: _dlrs_v1_SearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  Search(argument: _dlrs_v1_SearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  Search(argument: _dlrs_v1_SearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  Search(argument: _dlrs_v1_SearchRequest, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Nearest items by inner product with one or several query embeddings.
   */
  search(argument: _dlrs_v1_SearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  search(argument: _dlrs_v1_SearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  search(argument: _dlrs_v1_SearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  search(argument: _dlrs_v1_SearchRequest, callback: grpc.requestCallback<_dlrs_v1_SearchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Search multiplexed on one long-lived stream, correlated by request_id; a failed
   * request gets an error message and the stream stays open.
   */
  SearchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SearchRequest, _dlrs_v1_SearchStreamResponse__Output>;
  SearchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SearchRequest, _dlrs_v1_SearchStreamResponse__Output>;
  /**
   * Search multiplexed on one long-lived stream, correlated by request_id; a failed
   * request gets an error message and the stream stays open.
   */
  searchStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SearchRequest, _dlrs_v1_SearchStreamResponse__Output>;
  searchStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SearchRequest, _dlrs_v1_SearchStreamResponse__Output>;
  
  /**
   * Write a snapshot of the index and item store now.
   */
  Snapshot(argument: _dlrs_v1_SnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _dlrs_v1_SnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _dlrs_v1_SnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  Snapshot(argument: _dlrs_v1_SnapshotRequest, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Write a snapshot of the index and item store now.
   */
  snapshot(argument: _dlrs_v1_SnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _dlrs_v1_SnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _dlrs_v1_SnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  snapshot(argument: _dlrs_v1_SnapshotRequest, callback: grpc.requestCallback<_dlrs_v1_SnapshotResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Counts, memory, model and index settings.
   */
  Stats(argument: _dlrs_v1_StatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _dlrs_v1_StatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _dlrs_v1_StatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  Stats(argument: _dlrs_v1_StatsRequest, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Counts, memory, model and index settings.
   */
  stats(argument: _dlrs_v1_StatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _dlrs_v1_StatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _dlrs_v1_StatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  stats(argument: _dlrs_v1_StatsRequest, callback: grpc.requestCallback<_dlrs_v1_StatsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Add or replace items (raw features -> ItemNet -> store and index). Acknowledged once durable.
   */
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Add or replace items (raw features -> ItemNet -> store and index). Acknowledged once durable.
   */
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Retrieval holds one shard of the catalog: an item belongs to shard
 * fnv1a32(utf8(item_id)) mod shard_count.
 */
export interface RetrievalHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Remove items. Acknowledged once durable.
   */
  DeleteItems: grpc.handleUnaryCall<_dlrs_v1_DeleteItemsRequest__Output, _dlrs_v1_DeleteItemsResponse>;
  
  /**
   * Run ItemNet on raw features without storing anything (read-only): the e_i of items that are
   * not in the catalog, e.g. the query of a SimilarItems call by features. The answer names the
   * model version whose ItemNet embedded them; search with it under that version only.
   */
  EmbedItems: grpc.handleUnaryCall<_dlrs_v1_EmbedItemsRequest__Output, _dlrs_v1_EmbedItemsResponse>;
  
  /**
   * Items by id, with their features and optionally their embeddings.
   */
  GetItems: grpc.handleUnaryCall<_dlrs_v1_GetItemsRequest__Output, _dlrs_v1_GetItemsResponse>;
  
  /**
   * Load another bundle, embed and index the catalog in the background, switch atomically.
   */
  LoadModel: grpc.handleUnaryCall<_dlrs_v1_LoadModelRequest__Output, _dlrs_v1_ModelInfo>;
  
  /**
   * Nearest items by inner product with one or several query embeddings.
   */
  Search: grpc.handleUnaryCall<_dlrs_v1_SearchRequest__Output, _dlrs_v1_SearchResponse>;
  
  /**
   * Search multiplexed on one long-lived stream, correlated by request_id; a failed
   * request gets an error message and the stream stays open.
   */
  SearchStream: grpc.handleBidiStreamingCall<_dlrs_v1_SearchRequest__Output, _dlrs_v1_SearchStreamResponse>;
  
  /**
   * Write a snapshot of the index and item store now.
   */
  Snapshot: grpc.handleUnaryCall<_dlrs_v1_SnapshotRequest__Output, _dlrs_v1_SnapshotResponse>;
  
  /**
   * Counts, memory, model and index settings.
   */
  Stats: grpc.handleUnaryCall<_dlrs_v1_StatsRequest__Output, _dlrs_v1_StatsResponse>;
  
  /**
   * Add or replace items (raw features -> ItemNet -> store and index). Acknowledged once durable.
   */
  UpsertItems: grpc.handleUnaryCall<_dlrs_v1_UpsertItemsRequest__Output, _dlrs_v1_UpsertItemsResponse>;
  
}

export interface RetrievalDefinition extends grpc.ServiceDefinition {
  DeleteItems: MethodDefinition<_dlrs_v1_DeleteItemsRequest, _dlrs_v1_DeleteItemsResponse, _dlrs_v1_DeleteItemsRequest__Output, _dlrs_v1_DeleteItemsResponse__Output>
  EmbedItems: MethodDefinition<_dlrs_v1_EmbedItemsRequest, _dlrs_v1_EmbedItemsResponse, _dlrs_v1_EmbedItemsRequest__Output, _dlrs_v1_EmbedItemsResponse__Output>
  GetItems: MethodDefinition<_dlrs_v1_GetItemsRequest, _dlrs_v1_GetItemsResponse, _dlrs_v1_GetItemsRequest__Output, _dlrs_v1_GetItemsResponse__Output>
  LoadModel: MethodDefinition<_dlrs_v1_LoadModelRequest, _dlrs_v1_ModelInfo, _dlrs_v1_LoadModelRequest__Output, _dlrs_v1_ModelInfo__Output>
  Search: MethodDefinition<_dlrs_v1_SearchRequest, _dlrs_v1_SearchResponse, _dlrs_v1_SearchRequest__Output, _dlrs_v1_SearchResponse__Output>
  SearchStream: MethodDefinition<_dlrs_v1_SearchRequest, _dlrs_v1_SearchStreamResponse, _dlrs_v1_SearchRequest__Output, _dlrs_v1_SearchStreamResponse__Output>
  Snapshot: MethodDefinition<_dlrs_v1_SnapshotRequest, _dlrs_v1_SnapshotResponse, _dlrs_v1_SnapshotRequest__Output, _dlrs_v1_SnapshotResponse__Output>
  Stats: MethodDefinition<_dlrs_v1_StatsRequest, _dlrs_v1_StatsResponse, _dlrs_v1_StatsRequest__Output, _dlrs_v1_StatsResponse__Output>
  UpsertItems: MethodDefinition<_dlrs_v1_UpsertItemsRequest, _dlrs_v1_UpsertItemsResponse, _dlrs_v1_UpsertItemsRequest__Output, _dlrs_v1_UpsertItemsResponse__Output>
}
