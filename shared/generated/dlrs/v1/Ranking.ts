// Original file: proto/dlrs/v1/ranking.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EmbedUsersRequest as _dlrs_v1_EmbedUsersRequest, EmbedUsersRequest__Output as _dlrs_v1_EmbedUsersRequest__Output } from '../../dlrs/v1/EmbedUsersRequest.js';
import type { EmbedUsersResponse as _dlrs_v1_EmbedUsersResponse, EmbedUsersResponse__Output as _dlrs_v1_EmbedUsersResponse__Output } from '../../dlrs/v1/EmbedUsersResponse.js';
import type { GetModelRequest as _dlrs_v1_GetModelRequest, GetModelRequest__Output as _dlrs_v1_GetModelRequest__Output } from '../../dlrs/v1/GetModelRequest.js';
import type { LoadModelRequest as _dlrs_v1_LoadModelRequest, LoadModelRequest__Output as _dlrs_v1_LoadModelRequest__Output } from '../../dlrs/v1/LoadModelRequest.js';
import type { ModelInfo as _dlrs_v1_ModelInfo, ModelInfo__Output as _dlrs_v1_ModelInfo__Output } from '../../dlrs/v1/ModelInfo.js';
import type { RankRequest as _dlrs_v1_RankRequest, RankRequest__Output as _dlrs_v1_RankRequest__Output } from '../../dlrs/v1/RankRequest.js';
import type { RankResponse as _dlrs_v1_RankResponse, RankResponse__Output as _dlrs_v1_RankResponse__Output } from '../../dlrs/v1/RankResponse.js';
import type { RankStreamRequest as _dlrs_v1_RankStreamRequest, RankStreamRequest__Output as _dlrs_v1_RankStreamRequest__Output } from '../../dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse as _dlrs_v1_RankStreamResponse, RankStreamResponse__Output as _dlrs_v1_RankStreamResponse__Output } from '../../dlrs/v1/RankStreamResponse.js';

/**
 * Ranking runs UserNet (profiles -> user embeddings) and RankNet (user and candidate
 * embeddings -> scores). Concurrent requests are coalesced into batches.
 */
export interface RankingClient extends grpc.Client {
  /**
   * Embed user profiles with UserNet.
   */
  EmbedUsers(argument: _dlrs_v1_EmbedUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  EmbedUsers(argument: _dlrs_v1_EmbedUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  EmbedUsers(argument: _dlrs_v1_EmbedUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  EmbedUsers(argument: _dlrs_v1_EmbedUsersRequest, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Embed user profiles with UserNet.
   */
  embedUsers(argument: _dlrs_v1_EmbedUsersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  embedUsers(argument: _dlrs_v1_EmbedUsersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  embedUsers(argument: _dlrs_v1_EmbedUsersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  embedUsers(argument: _dlrs_v1_EmbedUsersRequest, callback: grpc.requestCallback<_dlrs_v1_EmbedUsersResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The model the service serves now.
   */
  GetModel(argument: _dlrs_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _dlrs_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _dlrs_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _dlrs_v1_GetModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * The model the service serves now.
   */
  getModel(argument: _dlrs_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _dlrs_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _dlrs_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  getModel(argument: _dlrs_v1_GetModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Load another bundle beside the current one, warm it and switch atomically.
   */
  LoadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  LoadModel(argument: _dlrs_v1_LoadModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  /**
   * Load another bundle beside the current one, warm it and switch atomically.
   */
  loadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  loadModel(argument: _dlrs_v1_LoadModelRequest, callback: grpc.requestCallback<_dlrs_v1_ModelInfo__Output>): grpc.ClientUnaryCall;
  
  /**
   * Score candidates for one user with RankNet.
   */
  Rank(argument: _dlrs_v1_RankRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _dlrs_v1_RankRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _dlrs_v1_RankRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  Rank(argument: _dlrs_v1_RankRequest, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Score candidates for one user with RankNet.
   */
  rank(argument: _dlrs_v1_RankRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _dlrs_v1_RankRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _dlrs_v1_RankRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  rank(argument: _dlrs_v1_RankRequest, callback: grpc.requestCallback<_dlrs_v1_RankResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Both calls multiplexed on one long-lived stream, correlated by request_id. Responses
   * come in completion order; a failed request gets an error message and the stream stays open.
   */
  RankStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamResponse__Output>;
  RankStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamResponse__Output>;
  /**
   * Both calls multiplexed on one long-lived stream, correlated by request_id. Responses
   * come in completion order; a failed request gets an error message and the stream stays open.
   */
  rankStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamResponse__Output>;
  rankStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamResponse__Output>;
  
}

/**
 * Ranking runs UserNet (profiles -> user embeddings) and RankNet (user and candidate
 * embeddings -> scores). Concurrent requests are coalesced into batches.
 */
export interface RankingHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Embed user profiles with UserNet.
   */
  EmbedUsers: grpc.handleUnaryCall<_dlrs_v1_EmbedUsersRequest__Output, _dlrs_v1_EmbedUsersResponse>;
  
  /**
   * The model the service serves now.
   */
  GetModel: grpc.handleUnaryCall<_dlrs_v1_GetModelRequest__Output, _dlrs_v1_ModelInfo>;
  
  /**
   * Load another bundle beside the current one, warm it and switch atomically.
   */
  LoadModel: grpc.handleUnaryCall<_dlrs_v1_LoadModelRequest__Output, _dlrs_v1_ModelInfo>;
  
  /**
   * Score candidates for one user with RankNet.
   */
  Rank: grpc.handleUnaryCall<_dlrs_v1_RankRequest__Output, _dlrs_v1_RankResponse>;
  
  /**
   * Both calls multiplexed on one long-lived stream, correlated by request_id. Responses
   * come in completion order; a failed request gets an error message and the stream stays open.
   */
  RankStream: grpc.handleBidiStreamingCall<_dlrs_v1_RankStreamRequest__Output, _dlrs_v1_RankStreamResponse>;
  
}

export interface RankingDefinition extends grpc.ServiceDefinition {
  EmbedUsers: MethodDefinition<_dlrs_v1_EmbedUsersRequest, _dlrs_v1_EmbedUsersResponse, _dlrs_v1_EmbedUsersRequest__Output, _dlrs_v1_EmbedUsersResponse__Output>
  GetModel: MethodDefinition<_dlrs_v1_GetModelRequest, _dlrs_v1_ModelInfo, _dlrs_v1_GetModelRequest__Output, _dlrs_v1_ModelInfo__Output>
  LoadModel: MethodDefinition<_dlrs_v1_LoadModelRequest, _dlrs_v1_ModelInfo, _dlrs_v1_LoadModelRequest__Output, _dlrs_v1_ModelInfo__Output>
  Rank: MethodDefinition<_dlrs_v1_RankRequest, _dlrs_v1_RankResponse, _dlrs_v1_RankRequest__Output, _dlrs_v1_RankResponse__Output>
  RankStream: MethodDefinition<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamResponse, _dlrs_v1_RankStreamRequest__Output, _dlrs_v1_RankStreamResponse__Output>
}
