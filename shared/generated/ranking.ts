import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from './dlrs/v1/AttributeFilter.js';
import type { ContinuousStats as _dlrs_v1_ContinuousStats, ContinuousStats__Output as _dlrs_v1_ContinuousStats__Output } from './dlrs/v1/ContinuousStats.js';
import type { EmbedUsersRequest as _dlrs_v1_EmbedUsersRequest, EmbedUsersRequest__Output as _dlrs_v1_EmbedUsersRequest__Output } from './dlrs/v1/EmbedUsersRequest.js';
import type { EmbedUsersResponse as _dlrs_v1_EmbedUsersResponse, EmbedUsersResponse__Output as _dlrs_v1_EmbedUsersResponse__Output } from './dlrs/v1/EmbedUsersResponse.js';
import type { ErrorStatus as _dlrs_v1_ErrorStatus, ErrorStatus__Output as _dlrs_v1_ErrorStatus__Output } from './dlrs/v1/ErrorStatus.js';
import type { FeatureValue as _dlrs_v1_FeatureValue, FeatureValue__Output as _dlrs_v1_FeatureValue__Output } from './dlrs/v1/FeatureValue.js';
import type { FilterClause as _dlrs_v1_FilterClause, FilterClause__Output as _dlrs_v1_FilterClause__Output } from './dlrs/v1/FilterClause.js';
import type { GetModelRequest as _dlrs_v1_GetModelRequest, GetModelRequest__Output as _dlrs_v1_GetModelRequest__Output } from './dlrs/v1/GetModelRequest.js';
import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from './dlrs/v1/Interaction.js';
import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from './dlrs/v1/Item.js';
import type { LoadModelRequest as _dlrs_v1_LoadModelRequest, LoadModelRequest__Output as _dlrs_v1_LoadModelRequest__Output } from './dlrs/v1/LoadModelRequest.js';
import type { ModelInfo as _dlrs_v1_ModelInfo, ModelInfo__Output as _dlrs_v1_ModelInfo__Output } from './dlrs/v1/ModelInfo.js';
import type { Range as _dlrs_v1_Range, Range__Output as _dlrs_v1_Range__Output } from './dlrs/v1/Range.js';
import type { RankRequest as _dlrs_v1_RankRequest, RankRequest__Output as _dlrs_v1_RankRequest__Output } from './dlrs/v1/RankRequest.js';
import type { RankResponse as _dlrs_v1_RankResponse, RankResponse__Output as _dlrs_v1_RankResponse__Output } from './dlrs/v1/RankResponse.js';
import type { RankStreamRequest as _dlrs_v1_RankStreamRequest, RankStreamRequest__Output as _dlrs_v1_RankStreamRequest__Output } from './dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse as _dlrs_v1_RankStreamResponse, RankStreamResponse__Output as _dlrs_v1_RankStreamResponse__Output } from './dlrs/v1/RankStreamResponse.js';
import type { RankingClient as _dlrs_v1_RankingClient, RankingDefinition as _dlrs_v1_RankingDefinition } from './dlrs/v1/Ranking.js';
import type { RecentItem as _dlrs_v1_RecentItem, RecentItem__Output as _dlrs_v1_RecentItem__Output } from './dlrs/v1/RecentItem.js';
import type { StringList as _dlrs_v1_StringList, StringList__Output as _dlrs_v1_StringList__Output } from './dlrs/v1/StringList.js';
import type { UserProfile as _dlrs_v1_UserProfile, UserProfile__Output as _dlrs_v1_UserProfile__Output } from './dlrs/v1/UserProfile.js';
import type { ValueWeights as _dlrs_v1_ValueWeights, ValueWeights__Output as _dlrs_v1_ValueWeights__Output } from './dlrs/v1/ValueWeights.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  dlrs: {
    v1: {
      AttributeFilter: MessageTypeDefinition<_dlrs_v1_AttributeFilter, _dlrs_v1_AttributeFilter__Output>
      ContinuousStats: MessageTypeDefinition<_dlrs_v1_ContinuousStats, _dlrs_v1_ContinuousStats__Output>
      EmbedUsersRequest: MessageTypeDefinition<_dlrs_v1_EmbedUsersRequest, _dlrs_v1_EmbedUsersRequest__Output>
      EmbedUsersResponse: MessageTypeDefinition<_dlrs_v1_EmbedUsersResponse, _dlrs_v1_EmbedUsersResponse__Output>
      ErrorStatus: MessageTypeDefinition<_dlrs_v1_ErrorStatus, _dlrs_v1_ErrorStatus__Output>
      FeatureValue: MessageTypeDefinition<_dlrs_v1_FeatureValue, _dlrs_v1_FeatureValue__Output>
      FilterClause: MessageTypeDefinition<_dlrs_v1_FilterClause, _dlrs_v1_FilterClause__Output>
      GetModelRequest: MessageTypeDefinition<_dlrs_v1_GetModelRequest, _dlrs_v1_GetModelRequest__Output>
      Interaction: MessageTypeDefinition<_dlrs_v1_Interaction, _dlrs_v1_Interaction__Output>
      Item: MessageTypeDefinition<_dlrs_v1_Item, _dlrs_v1_Item__Output>
      LoadModelRequest: MessageTypeDefinition<_dlrs_v1_LoadModelRequest, _dlrs_v1_LoadModelRequest__Output>
      ModelInfo: MessageTypeDefinition<_dlrs_v1_ModelInfo, _dlrs_v1_ModelInfo__Output>
      Range: MessageTypeDefinition<_dlrs_v1_Range, _dlrs_v1_Range__Output>
      RankRequest: MessageTypeDefinition<_dlrs_v1_RankRequest, _dlrs_v1_RankRequest__Output>
      RankResponse: MessageTypeDefinition<_dlrs_v1_RankResponse, _dlrs_v1_RankResponse__Output>
      RankStreamRequest: MessageTypeDefinition<_dlrs_v1_RankStreamRequest, _dlrs_v1_RankStreamRequest__Output>
      RankStreamResponse: MessageTypeDefinition<_dlrs_v1_RankStreamResponse, _dlrs_v1_RankStreamResponse__Output>
      /**
       * Ranking runs UserNet (profiles -> user embeddings) and RankNet (user and candidate
       * embeddings -> scores). Concurrent requests are coalesced into batches.
       */
      Ranking: SubtypeConstructor<typeof grpc.Client, _dlrs_v1_RankingClient> & { service: _dlrs_v1_RankingDefinition }
      RecentItem: MessageTypeDefinition<_dlrs_v1_RecentItem, _dlrs_v1_RecentItem__Output>
      StringList: MessageTypeDefinition<_dlrs_v1_StringList, _dlrs_v1_StringList__Output>
      UserProfile: MessageTypeDefinition<_dlrs_v1_UserProfile, _dlrs_v1_UserProfile__Output>
      ValueWeights: MessageTypeDefinition<_dlrs_v1_ValueWeights, _dlrs_v1_ValueWeights__Output>
    }
  }
}

