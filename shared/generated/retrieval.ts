import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AttributeFilter as _dlrs_v1_AttributeFilter, AttributeFilter__Output as _dlrs_v1_AttributeFilter__Output } from './dlrs/v1/AttributeFilter.js';
import type { ContinuousStats as _dlrs_v1_ContinuousStats, ContinuousStats__Output as _dlrs_v1_ContinuousStats__Output } from './dlrs/v1/ContinuousStats.js';
import type { DeleteItemsRequest as _dlrs_v1_DeleteItemsRequest, DeleteItemsRequest__Output as _dlrs_v1_DeleteItemsRequest__Output } from './dlrs/v1/DeleteItemsRequest.js';
import type { DeleteItemsResponse as _dlrs_v1_DeleteItemsResponse, DeleteItemsResponse__Output as _dlrs_v1_DeleteItemsResponse__Output } from './dlrs/v1/DeleteItemsResponse.js';
import type { EmbedItemsRequest as _dlrs_v1_EmbedItemsRequest, EmbedItemsRequest__Output as _dlrs_v1_EmbedItemsRequest__Output } from './dlrs/v1/EmbedItemsRequest.js';
import type { EmbedItemsResponse as _dlrs_v1_EmbedItemsResponse, EmbedItemsResponse__Output as _dlrs_v1_EmbedItemsResponse__Output } from './dlrs/v1/EmbedItemsResponse.js';
import type { ErrorStatus as _dlrs_v1_ErrorStatus, ErrorStatus__Output as _dlrs_v1_ErrorStatus__Output } from './dlrs/v1/ErrorStatus.js';
import type { FeatureValue as _dlrs_v1_FeatureValue, FeatureValue__Output as _dlrs_v1_FeatureValue__Output } from './dlrs/v1/FeatureValue.js';
import type { FilterClause as _dlrs_v1_FilterClause, FilterClause__Output as _dlrs_v1_FilterClause__Output } from './dlrs/v1/FilterClause.js';
import type { GetItemsRequest as _dlrs_v1_GetItemsRequest, GetItemsRequest__Output as _dlrs_v1_GetItemsRequest__Output } from './dlrs/v1/GetItemsRequest.js';
import type { GetItemsResponse as _dlrs_v1_GetItemsResponse, GetItemsResponse__Output as _dlrs_v1_GetItemsResponse__Output } from './dlrs/v1/GetItemsResponse.js';
import type { Interaction as _dlrs_v1_Interaction, Interaction__Output as _dlrs_v1_Interaction__Output } from './dlrs/v1/Interaction.js';
import type { Item as _dlrs_v1_Item, Item__Output as _dlrs_v1_Item__Output } from './dlrs/v1/Item.js';
import type { LoadModelRequest as _dlrs_v1_LoadModelRequest, LoadModelRequest__Output as _dlrs_v1_LoadModelRequest__Output } from './dlrs/v1/LoadModelRequest.js';
import type { ModelInfo as _dlrs_v1_ModelInfo, ModelInfo__Output as _dlrs_v1_ModelInfo__Output } from './dlrs/v1/ModelInfo.js';
import type { Range as _dlrs_v1_Range, Range__Output as _dlrs_v1_Range__Output } from './dlrs/v1/Range.js';
import type { RecentItem as _dlrs_v1_RecentItem, RecentItem__Output as _dlrs_v1_RecentItem__Output } from './dlrs/v1/RecentItem.js';
import type { RetrievalClient as _dlrs_v1_RetrievalClient, RetrievalDefinition as _dlrs_v1_RetrievalDefinition } from './dlrs/v1/Retrieval.js';
import type { SearchRequest as _dlrs_v1_SearchRequest, SearchRequest__Output as _dlrs_v1_SearchRequest__Output } from './dlrs/v1/SearchRequest.js';
import type { SearchResponse as _dlrs_v1_SearchResponse, SearchResponse__Output as _dlrs_v1_SearchResponse__Output } from './dlrs/v1/SearchResponse.js';
import type { SearchResult as _dlrs_v1_SearchResult, SearchResult__Output as _dlrs_v1_SearchResult__Output } from './dlrs/v1/SearchResult.js';
import type { SearchStreamResponse as _dlrs_v1_SearchStreamResponse, SearchStreamResponse__Output as _dlrs_v1_SearchStreamResponse__Output } from './dlrs/v1/SearchStreamResponse.js';
import type { SnapshotRequest as _dlrs_v1_SnapshotRequest, SnapshotRequest__Output as _dlrs_v1_SnapshotRequest__Output } from './dlrs/v1/SnapshotRequest.js';
import type { SnapshotResponse as _dlrs_v1_SnapshotResponse, SnapshotResponse__Output as _dlrs_v1_SnapshotResponse__Output } from './dlrs/v1/SnapshotResponse.js';
import type { StatsRequest as _dlrs_v1_StatsRequest, StatsRequest__Output as _dlrs_v1_StatsRequest__Output } from './dlrs/v1/StatsRequest.js';
import type { StatsResponse as _dlrs_v1_StatsResponse, StatsResponse__Output as _dlrs_v1_StatsResponse__Output } from './dlrs/v1/StatsResponse.js';
import type { StoredItem as _dlrs_v1_StoredItem, StoredItem__Output as _dlrs_v1_StoredItem__Output } from './dlrs/v1/StoredItem.js';
import type { StringList as _dlrs_v1_StringList, StringList__Output as _dlrs_v1_StringList__Output } from './dlrs/v1/StringList.js';
import type { UpsertItemsRequest as _dlrs_v1_UpsertItemsRequest, UpsertItemsRequest__Output as _dlrs_v1_UpsertItemsRequest__Output } from './dlrs/v1/UpsertItemsRequest.js';
import type { UpsertItemsResponse as _dlrs_v1_UpsertItemsResponse, UpsertItemsResponse__Output as _dlrs_v1_UpsertItemsResponse__Output } from './dlrs/v1/UpsertItemsResponse.js';
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
      DeleteItemsRequest: MessageTypeDefinition<_dlrs_v1_DeleteItemsRequest, _dlrs_v1_DeleteItemsRequest__Output>
      DeleteItemsResponse: MessageTypeDefinition<_dlrs_v1_DeleteItemsResponse, _dlrs_v1_DeleteItemsResponse__Output>
      EmbedItemsRequest: MessageTypeDefinition<_dlrs_v1_EmbedItemsRequest, _dlrs_v1_EmbedItemsRequest__Output>
      EmbedItemsResponse: MessageTypeDefinition<_dlrs_v1_EmbedItemsResponse, _dlrs_v1_EmbedItemsResponse__Output>
      ErrorStatus: MessageTypeDefinition<_dlrs_v1_ErrorStatus, _dlrs_v1_ErrorStatus__Output>
      FeatureValue: MessageTypeDefinition<_dlrs_v1_FeatureValue, _dlrs_v1_FeatureValue__Output>
      FilterClause: MessageTypeDefinition<_dlrs_v1_FilterClause, _dlrs_v1_FilterClause__Output>
      GetItemsRequest: MessageTypeDefinition<_dlrs_v1_GetItemsRequest, _dlrs_v1_GetItemsRequest__Output>
      GetItemsResponse: MessageTypeDefinition<_dlrs_v1_GetItemsResponse, _dlrs_v1_GetItemsResponse__Output>
      Interaction: MessageTypeDefinition<_dlrs_v1_Interaction, _dlrs_v1_Interaction__Output>
      Item: MessageTypeDefinition<_dlrs_v1_Item, _dlrs_v1_Item__Output>
      LoadModelRequest: MessageTypeDefinition<_dlrs_v1_LoadModelRequest, _dlrs_v1_LoadModelRequest__Output>
      ModelInfo: MessageTypeDefinition<_dlrs_v1_ModelInfo, _dlrs_v1_ModelInfo__Output>
      Range: MessageTypeDefinition<_dlrs_v1_Range, _dlrs_v1_Range__Output>
      RecentItem: MessageTypeDefinition<_dlrs_v1_RecentItem, _dlrs_v1_RecentItem__Output>
      /**
       * Retrieval holds one shard of the catalog: an item belongs to shard
       * fnv1a32(utf8(item_id)) mod shard_count.
       */
      Retrieval: SubtypeConstructor<typeof grpc.Client, _dlrs_v1_RetrievalClient> & { service: _dlrs_v1_RetrievalDefinition }
      SearchRequest: MessageTypeDefinition<_dlrs_v1_SearchRequest, _dlrs_v1_SearchRequest__Output>
      SearchResponse: MessageTypeDefinition<_dlrs_v1_SearchResponse, _dlrs_v1_SearchResponse__Output>
      SearchResult: MessageTypeDefinition<_dlrs_v1_SearchResult, _dlrs_v1_SearchResult__Output>
      SearchStreamResponse: MessageTypeDefinition<_dlrs_v1_SearchStreamResponse, _dlrs_v1_SearchStreamResponse__Output>
      SnapshotRequest: MessageTypeDefinition<_dlrs_v1_SnapshotRequest, _dlrs_v1_SnapshotRequest__Output>
      SnapshotResponse: MessageTypeDefinition<_dlrs_v1_SnapshotResponse, _dlrs_v1_SnapshotResponse__Output>
      StatsRequest: MessageTypeDefinition<_dlrs_v1_StatsRequest, _dlrs_v1_StatsRequest__Output>
      StatsResponse: MessageTypeDefinition<_dlrs_v1_StatsResponse, _dlrs_v1_StatsResponse__Output>
      StoredItem: MessageTypeDefinition<_dlrs_v1_StoredItem, _dlrs_v1_StoredItem__Output>
      StringList: MessageTypeDefinition<_dlrs_v1_StringList, _dlrs_v1_StringList__Output>
      UpsertItemsRequest: MessageTypeDefinition<_dlrs_v1_UpsertItemsRequest, _dlrs_v1_UpsertItemsRequest__Output>
      UpsertItemsResponse: MessageTypeDefinition<_dlrs_v1_UpsertItemsResponse, _dlrs_v1_UpsertItemsResponse__Output>
      UserProfile: MessageTypeDefinition<_dlrs_v1_UserProfile, _dlrs_v1_UserProfile__Output>
      ValueWeights: MessageTypeDefinition<_dlrs_v1_ValueWeights, _dlrs_v1_ValueWeights__Output>
    }
  }
}

