// Original file: proto/dlrs/v1/recommender.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteItemsRequest as _dlrs_v1_DeleteItemsRequest, DeleteItemsRequest__Output as _dlrs_v1_DeleteItemsRequest__Output } from '../../dlrs/v1/DeleteItemsRequest.js';
import type { DeleteItemsResponse as _dlrs_v1_DeleteItemsResponse, DeleteItemsResponse__Output as _dlrs_v1_DeleteItemsResponse__Output } from '../../dlrs/v1/DeleteItemsResponse.js';
import type { DeleteProfileRequest as _dlrs_v1_DeleteProfileRequest, DeleteProfileRequest__Output as _dlrs_v1_DeleteProfileRequest__Output } from '../../dlrs/v1/DeleteProfileRequest.js';
import type { DeleteProfileResponse as _dlrs_v1_DeleteProfileResponse, DeleteProfileResponse__Output as _dlrs_v1_DeleteProfileResponse__Output } from '../../dlrs/v1/DeleteProfileResponse.js';
import type { GetProfileRequest as _dlrs_v1_GetProfileRequest, GetProfileRequest__Output as _dlrs_v1_GetProfileRequest__Output } from '../../dlrs/v1/GetProfileRequest.js';
import type { RecommendRequest as _dlrs_v1_RecommendRequest, RecommendRequest__Output as _dlrs_v1_RecommendRequest__Output } from '../../dlrs/v1/RecommendRequest.js';
import type { RecommendResponse as _dlrs_v1_RecommendResponse, RecommendResponse__Output as _dlrs_v1_RecommendResponse__Output } from '../../dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse as _dlrs_v1_RecommendStreamResponse, RecommendStreamResponse__Output as _dlrs_v1_RecommendStreamResponse__Output } from '../../dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsRequest as _dlrs_v1_RecordInteractionsRequest, RecordInteractionsRequest__Output as _dlrs_v1_RecordInteractionsRequest__Output } from '../../dlrs/v1/RecordInteractionsRequest.js';
import type { RecordInteractionsResponse as _dlrs_v1_RecordInteractionsResponse, RecordInteractionsResponse__Output as _dlrs_v1_RecordInteractionsResponse__Output } from '../../dlrs/v1/RecordInteractionsResponse.js';
import type { SessionRequest as _dlrs_v1_SessionRequest, SessionRequest__Output as _dlrs_v1_SessionRequest__Output } from '../../dlrs/v1/SessionRequest.js';
import type { SessionResponse as _dlrs_v1_SessionResponse, SessionResponse__Output as _dlrs_v1_SessionResponse__Output } from '../../dlrs/v1/SessionResponse.js';
import type { SimilarItemsRequest as _dlrs_v1_SimilarItemsRequest, SimilarItemsRequest__Output as _dlrs_v1_SimilarItemsRequest__Output } from '../../dlrs/v1/SimilarItemsRequest.js';
import type { UpsertItemsRequest as _dlrs_v1_UpsertItemsRequest, UpsertItemsRequest__Output as _dlrs_v1_UpsertItemsRequest__Output } from '../../dlrs/v1/UpsertItemsRequest.js';
import type { UpsertItemsResponse as _dlrs_v1_UpsertItemsResponse, UpsertItemsResponse__Output as _dlrs_v1_UpsertItemsResponse__Output } from '../../dlrs/v1/UpsertItemsResponse.js';
import type { UserProfile as _dlrs_v1_UserProfile, UserProfile__Output as _dlrs_v1_UserProfile__Output } from '../../dlrs/v1/UserProfile.js';

/**
 * Recommender answers "which items for this user?" and keeps user profiles current
 * from interaction events. Authentication, when configured: metadata
 * `authorization: Bearer <token>`.
 * 
 * Limits: a request is at most 1 MiB on the wire (configurable; RESOURCE_EXHAUSTED beyond);
 * strings are measured in bytes of UTF-8 and their caps are given beside each field
 * (docs/limits.md lists them all). A value over its cap is refused with INVALID_ARGUMENT
 * naming the field, e.g. `context.interactions[3].item_id: at most 256 bytes, got 300`; a
 * refused batch writes nothing.
 */
export interface RecommenderClient extends grpc.Client {
  /**
   * Remove catalog items from their shards.
   */
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  DeleteItems(argument: _dlrs_v1_DeleteItemsRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Remove catalog items from their shards.
   */
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  deleteItems(argument: _dlrs_v1_DeleteItemsRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteItemsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Erase a user's profile.
   */
  DeleteProfile(argument: _dlrs_v1_DeleteProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteProfile(argument: _dlrs_v1_DeleteProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteProfile(argument: _dlrs_v1_DeleteProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  DeleteProfile(argument: _dlrs_v1_DeleteProfileRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Erase a user's profile.
   */
  deleteProfile(argument: _dlrs_v1_DeleteProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteProfile(argument: _dlrs_v1_DeleteProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteProfile(argument: _dlrs_v1_DeleteProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  deleteProfile(argument: _dlrs_v1_DeleteProfileRequest, callback: grpc.requestCallback<_dlrs_v1_DeleteProfileResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A user's stored profile (NOT_FOUND when there is none).
   */
  GetProfile(argument: _dlrs_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _dlrs_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _dlrs_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  GetProfile(argument: _dlrs_v1_GetProfileRequest, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  /**
   * A user's stored profile (NOT_FOUND when there is none).
   */
  getProfile(argument: _dlrs_v1_GetProfileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _dlrs_v1_GetProfileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _dlrs_v1_GetProfileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  getProfile(argument: _dlrs_v1_GetProfileRequest, callback: grpc.requestCallback<_dlrs_v1_UserProfile__Output>): grpc.ClientUnaryCall;
  
  /**
   * Recommend items for one user.
   */
  Recommend(argument: _dlrs_v1_RecommendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _dlrs_v1_RecommendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _dlrs_v1_RecommendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  Recommend(argument: _dlrs_v1_RecommendRequest, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Recommend items for one user.
   */
  recommend(argument: _dlrs_v1_RecommendRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _dlrs_v1_RecommendRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _dlrs_v1_RecommendRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  recommend(argument: _dlrs_v1_RecommendRequest, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Many Recommend requests on one stream, answered as they complete and correlated by
   * request_id. A bad request fails alone (an error message); the stream stays open.
   * The server reads at most a bounded number of requests ahead (backpressure). A request may
   * carry a SimilarItems request instead (`similar_items`), answered as the SimilarItems call
   * answers it.
   */
  RecommendStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendStreamResponse__Output>;
  RecommendStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendStreamResponse__Output>;
  /**
   * Many Recommend requests on one stream, answered as they complete and correlated by
   * request_id. A bad request fails alone (an error message); the stream stays open.
   * The server reads at most a bounded number of requests ahead (backpressure). A request may
   * carry a SimilarItems request instead (`similar_items`), answered as the SimilarItems call
   * answers it.
   */
  recommendStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendStreamResponse__Output>;
  recommendStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendStreamResponse__Output>;
  
  /**
   * Record interaction events (batch ingestion); idempotent by event id.
   */
  RecordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  RecordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  RecordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  RecordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Record interaction events (batch ingestion); idempotent by event id.
   */
  recordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  recordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  recordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  recordInteractions(argument: _dlrs_v1_RecordInteractionsRequest, callback: grpc.requestCallback<_dlrs_v1_RecordInteractionsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A live session: send a start message, then one user's events; after each event the
   * profile is updated and fresh recommendations are pushed back.
   */
  Session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SessionRequest, _dlrs_v1_SessionResponse__Output>;
  Session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SessionRequest, _dlrs_v1_SessionResponse__Output>;
  /**
   * A live session: send a start message, then one user's events; after each event the
   * profile is updated and fresh recommendations are pushed back.
   */
  session(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SessionRequest, _dlrs_v1_SessionResponse__Output>;
  session(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_SessionRequest, _dlrs_v1_SessionResponse__Output>;
  
  /**
   * "More like this": the catalog items nearest to one or several given items by inner
   * product of their ItemNet embeddings, the given items excluded; or nearest to an item not in
   * the catalog, given by its raw features (ItemNet embeds it). With a user, the neighbours are
   * ranked for that user by RankNet. Unknown ids are NOT_FOUND naming the id.
   */
  SimilarItems(argument: _dlrs_v1_SimilarItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  SimilarItems(argument: _dlrs_v1_SimilarItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  SimilarItems(argument: _dlrs_v1_SimilarItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  SimilarItems(argument: _dlrs_v1_SimilarItemsRequest, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  /**
   * "More like this": the catalog items nearest to one or several given items by inner
   * product of their ItemNet embeddings, the given items excluded; or nearest to an item not in
   * the catalog, given by its raw features (ItemNet embeds it). With a user, the neighbours are
   * ranked for that user by RankNet. Unknown ids are NOT_FOUND naming the id.
   */
  similarItems(argument: _dlrs_v1_SimilarItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  similarItems(argument: _dlrs_v1_SimilarItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  similarItems(argument: _dlrs_v1_SimilarItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  similarItems(argument: _dlrs_v1_SimilarItemsRequest, callback: grpc.requestCallback<_dlrs_v1_RecommendResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Add or replace catalog items; each is routed to the shard that owns it and
   * acknowledged once that shard has made it durable.
   */
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  UpsertItems(argument: _dlrs_v1_UpsertItemsRequest, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Add or replace catalog items; each is routed to the shard that owns it and
   * acknowledged once that shard has made it durable.
   */
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  upsertItems(argument: _dlrs_v1_UpsertItemsRequest, callback: grpc.requestCallback<_dlrs_v1_UpsertItemsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Recommender answers "which items for this user?" and keeps user profiles current
 * from interaction events. Authentication, when configured: metadata
 * `authorization: Bearer <token>`.
 * 
 * Limits: a request is at most 1 MiB on the wire (configurable; RESOURCE_EXHAUSTED beyond);
 * strings are measured in bytes of UTF-8 and their caps are given beside each field
 * (docs/limits.md lists them all). A value over its cap is refused with INVALID_ARGUMENT
 * naming the field, e.g. `context.interactions[3].item_id: at most 256 bytes, got 300`; a
 * refused batch writes nothing.
 */
export interface RecommenderHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Remove catalog items from their shards.
   */
  DeleteItems: grpc.handleUnaryCall<_dlrs_v1_DeleteItemsRequest__Output, _dlrs_v1_DeleteItemsResponse>;
  
  /**
   * Erase a user's profile.
   */
  DeleteProfile: grpc.handleUnaryCall<_dlrs_v1_DeleteProfileRequest__Output, _dlrs_v1_DeleteProfileResponse>;
  
  /**
   * A user's stored profile (NOT_FOUND when there is none).
   */
  GetProfile: grpc.handleUnaryCall<_dlrs_v1_GetProfileRequest__Output, _dlrs_v1_UserProfile>;
  
  /**
   * Recommend items for one user.
   */
  Recommend: grpc.handleUnaryCall<_dlrs_v1_RecommendRequest__Output, _dlrs_v1_RecommendResponse>;
  
  /**
   * Many Recommend requests on one stream, answered as they complete and correlated by
   * request_id. A bad request fails alone (an error message); the stream stays open.
   * The server reads at most a bounded number of requests ahead (backpressure). A request may
   * carry a SimilarItems request instead (`similar_items`), answered as the SimilarItems call
   * answers it.
   */
  RecommendStream: grpc.handleBidiStreamingCall<_dlrs_v1_RecommendRequest__Output, _dlrs_v1_RecommendStreamResponse>;
  
  /**
   * Record interaction events (batch ingestion); idempotent by event id.
   */
  RecordInteractions: grpc.handleUnaryCall<_dlrs_v1_RecordInteractionsRequest__Output, _dlrs_v1_RecordInteractionsResponse>;
  
  /**
   * A live session: send a start message, then one user's events; after each event the
   * profile is updated and fresh recommendations are pushed back.
   */
  Session: grpc.handleBidiStreamingCall<_dlrs_v1_SessionRequest__Output, _dlrs_v1_SessionResponse>;
  
  /**
   * "More like this": the catalog items nearest to one or several given items by inner
   * product of their ItemNet embeddings, the given items excluded; or nearest to an item not in
   * the catalog, given by its raw features (ItemNet embeds it). With a user, the neighbours are
   * ranked for that user by RankNet. Unknown ids are NOT_FOUND naming the id.
   */
  SimilarItems: grpc.handleUnaryCall<_dlrs_v1_SimilarItemsRequest__Output, _dlrs_v1_RecommendResponse>;
  
  /**
   * Add or replace catalog items; each is routed to the shard that owns it and
   * acknowledged once that shard has made it durable.
   */
  UpsertItems: grpc.handleUnaryCall<_dlrs_v1_UpsertItemsRequest__Output, _dlrs_v1_UpsertItemsResponse>;
  
}

export interface RecommenderDefinition extends grpc.ServiceDefinition {
  DeleteItems: MethodDefinition<_dlrs_v1_DeleteItemsRequest, _dlrs_v1_DeleteItemsResponse, _dlrs_v1_DeleteItemsRequest__Output, _dlrs_v1_DeleteItemsResponse__Output>
  DeleteProfile: MethodDefinition<_dlrs_v1_DeleteProfileRequest, _dlrs_v1_DeleteProfileResponse, _dlrs_v1_DeleteProfileRequest__Output, _dlrs_v1_DeleteProfileResponse__Output>
  GetProfile: MethodDefinition<_dlrs_v1_GetProfileRequest, _dlrs_v1_UserProfile, _dlrs_v1_GetProfileRequest__Output, _dlrs_v1_UserProfile__Output>
  Recommend: MethodDefinition<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendResponse, _dlrs_v1_RecommendRequest__Output, _dlrs_v1_RecommendResponse__Output>
  RecommendStream: MethodDefinition<_dlrs_v1_RecommendRequest, _dlrs_v1_RecommendStreamResponse, _dlrs_v1_RecommendRequest__Output, _dlrs_v1_RecommendStreamResponse__Output>
  RecordInteractions: MethodDefinition<_dlrs_v1_RecordInteractionsRequest, _dlrs_v1_RecordInteractionsResponse, _dlrs_v1_RecordInteractionsRequest__Output, _dlrs_v1_RecordInteractionsResponse__Output>
  Session: MethodDefinition<_dlrs_v1_SessionRequest, _dlrs_v1_SessionResponse, _dlrs_v1_SessionRequest__Output, _dlrs_v1_SessionResponse__Output>
  SimilarItems: MethodDefinition<_dlrs_v1_SimilarItemsRequest, _dlrs_v1_RecommendResponse, _dlrs_v1_SimilarItemsRequest__Output, _dlrs_v1_RecommendResponse__Output>
  UpsertItems: MethodDefinition<_dlrs_v1_UpsertItemsRequest, _dlrs_v1_UpsertItemsResponse, _dlrs_v1_UpsertItemsRequest__Output, _dlrs_v1_UpsertItemsResponse__Output>
}
