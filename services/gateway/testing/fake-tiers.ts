// Small in-test gRPC servers implementing the Ranking and Retrieval contracts, for the
// gateway's orchestration tests while the real tiers are tested in their own services.
// Their answers are simple and exact so that tests can predict them: UserNet gives every
// user the same embedding, RankNet scores a candidate by sigmoid(b_i) alone (so ranked
// order differs from retrieval order), and a shard searches its items exhaustively.
import * as grpc from '@grpc/grpc-js';
import { ERROR_FIELD_METADATA_KEY } from '../../../shared/errors/index.js';
import type { Item } from '../../../shared/features/index.js';
import type { RankingClient } from '../../../shared/generated/dlrs/v1/Ranking.js';
import type { RankStreamRequest__Output } from '../../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../../shared/generated/dlrs/v1/RankStreamResponse.js';
import { searchStreamDecodingClient } from '../tiers/index.js';
import type { RetrievalClient } from '../../../shared/generated/dlrs/v1/Retrieval.js';
import type { SearchRequest__Output } from '../../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { OWN_CONNECTION } from '../../../shared/grpc/index.js';
import { loadProtos } from '../../../shared/proto/index.js';
import { matchesFilter } from '../recommend/matches-filter.js';

/** The embedding dimension of the fakes. */
export const FAKE_DIM = 3;
/** The embedding every user gets from the fake UserNet. */
export const FAKE_USER_EMBEDDING = [1, 0, 0];

/** How a fake method behaves: answer, fail with a status, or never answer. */
export type FakeBehaviour = 'ok' | 'unavailable' | 'invalid' | 'hang';

/** An item of a fake shard. */
export interface FakeItem {
  id: string;
  title?: string;
  embedding: number[];
  bias: number;
  features: Item['features'];
}

/** A running fake server. */
export interface FakeServer {
  address: string;
  /** Calls received, by method ("EmbedUsers", "Rank", "Search", and "stream:<kind>" for stream messages). */
  calls: Map<string, number>;
  stop(): Promise<void>;
}

/** The fake ranking tier. */
export interface FakeRanking extends FakeServer {
  behaviour: { embedUsers: FakeBehaviour; rank: FakeBehaviour };
  modelVersion: string;
  /** Ends every open RankStream from the server side (a tier restarting). */
  endStreams(): void;
}

/** One fake retrieval shard. */
export interface FakeShard extends FakeServer {
  behaviour: { search: FakeBehaviour; embedItems: FakeBehaviour };
  modelVersion: string;
  /** The timeout_ms of every Search received, unary and on the stream, in arrival order. */
  searchTimeoutsMs: number[];
}

const floats = (values: number[]): Buffer => Buffer.from(new Float32Array(values).buffer);

function failure(behaviour: FakeBehaviour): Partial<grpc.StatusObject> | undefined {
  if (behaviour === 'unavailable') return { code: grpc.status.UNAVAILABLE, details: 'fake tier is down' };
  if (behaviour === 'invalid') return { code: grpc.status.INVALID_ARGUMENT, details: 'filter.clauses[0].field: unknown feature' };
  return undefined;
}

/** The trailing metadata a dlrs server sends with an error about a field. */
function fieldMetadata(field: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_FIELD_METADATA_KEY, field);
  return metadata;
}

function count(calls: Map<string, number>, key: string): void {
  calls.set(key, (calls.get(key) ?? 0) + 1);
}

async function listen(service: grpc.ServiceDefinition, handlers: grpc.UntypedServiceImplementation): Promise<{ server: grpc.Server; address: string }> {
  const server = new grpc.Server();
  server.addService(service, handlers);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { server, address: `127.0.0.1:${port}` };
}

function stopper(server: grpc.Server): () => Promise<void> {
  // Hanging calls never finish by themselves: end them with the server.
  return async () => server.forceShutdown();
}

/** Starts the fake ranking tier on 127.0.0.1, port 0. */
export async function startFakeRanking(modelVersion = 'm1'): Promise<FakeRanking> {
  const calls = new Map<string, number>();
  const streams = new Set<grpc.ServerDuplexStream<RankStreamRequest__Output, RankStreamResponse>>();
  const state = {
    behaviour: { embedUsers: 'ok' as FakeBehaviour, rank: 'ok' as FakeBehaviour },
    modelVersion,
    endStreams: () => {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
  const embed = (rows: number) => ({ modelVersion: state.modelVersion, dim: FAKE_DIM, count: rows, embeddings: floats(Array.from({ length: rows }, () => FAKE_USER_EMBEDDING).flat()), biases: floats(Array(rows).fill(0)) });
  const rank = (itemBiases: Buffer, topK: number) => {
    const n = itemBiases.length / 4;
    const scores = Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-itemBiases.readFloatLE(4 * i))));
    const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]).slice(0, topK);
    return { modelVersion: state.modelVersion, scores: floats(scores), order };
  };
  const { server, address } = await listen(loadProtos().grpcObject.dlrs.v1.Ranking.service, {
    EmbedUsers: (call: grpc.ServerUnaryCall<{ profiles: unknown[] }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'EmbedUsers');
      if (state.behaviour.embedUsers === 'hang') return;
      const failed = failure(state.behaviour.embedUsers);
      callback(failed ?? null, failed ? undefined : embed(call.request.profiles.length));
    },
    Rank: (call: grpc.ServerUnaryCall<{ itemBiases: Buffer; topK: number }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'Rank');
      if (state.behaviour.rank === 'hang') return;
      const failed = failure(state.behaviour.rank);
      callback(failed ?? null, failed ? undefined : rank(call.request.itemBiases, call.request.topK));
    },
    RankStream: (call: grpc.ServerDuplexStream<RankStreamRequest__Output, RankStreamResponse>) => {
      streams.add(call);
      call.on('data', (message: RankStreamRequest__Output) => {
        const kind = message.call === 'rank' ? 'rank' : 'embedUsers';
        count(calls, `stream:${kind}`);
        const behaviour = state.behaviour[kind];
        if (behaviour === 'hang') return;
        const failed = failure(behaviour);
        if (failed) call.write({ requestId: message.requestId, error: { code: failed.code, message: failed.details } });
        else if (message.rank) call.write({ requestId: message.requestId, rank: { ...rank(message.rank.itemBiases, message.rank.topK), requestId: message.requestId } });
        else call.write({ requestId: message.requestId, embedUsers: { ...embed(message.embedUsers?.profiles.length ?? 0), requestId: message.requestId } });
      });
      call.on('end', () => call.end());
    },
  });
  return Object.assign(state, { address, calls, stop: stopper(server) });
}

function featureValues(features: Item['features']): Record<string, { text?: string; texts?: { values: string[] }; number?: number }> {
  return Object.fromEntries(
    Object.entries(features).map(([name, value]) => [name, typeof value === 'string' ? { text: value } : typeof value === 'number' ? { number: value } : { texts: { values: value } }]),
  );
}

/**
 * Starts a fake retrieval shard holding `items` on 127.0.0.1, port 0. Upserted items get
 * the embedding [0.5, 0.5, 0] and bias 0, and keep their raw features; EmbedItems answers
 * fakeItemNet's embedding and stores nothing; `owns` decides
 * which ids the shard accepts (FAILED_PRECONDITION otherwise, as the contract says).
 */
export async function startFakeShard(shard: number, items: FakeItem[], modelVersion = 'm1', owns: (itemId: string) => boolean = () => true): Promise<FakeShard> {
  const calls = new Map<string, number>();
  const state = { behaviour: { search: 'ok' as FakeBehaviour, embedItems: 'ok' as FakeBehaviour }, modelVersion, searchTimeoutsMs: [] as number[] };
  const search = (request: SearchRequest__Output): SearchResponse => {
    const query = [0, 1, 2].map((j) => request.queries.readFloatLE(4 * j));
    const excluded = new Set(request.excludeIds);
    const hits = items
      .filter((item) => !excluded.has(item.id) && (request.filter === null || request.filter === undefined || matchesFilter(item.features, request.filter)))
      .map((item) => ({ item, similarity: item.embedding.reduce((sum, x, j) => sum + x * query[j], 0) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, request.k);
    const result = {
      itemIds: hits.map((hit) => hit.item.id),
      similarities: floats(hits.map((hit) => hit.similarity)),
      embeddings: request.includeEmbeddings ? floats(hits.flatMap((hit) => hit.item.embedding)) : Buffer.alloc(0),
      biases: request.includeEmbeddings ? floats(hits.map((hit) => hit.item.bias)) : Buffer.alloc(0),
    };
    return { requestId: request.requestId, modelVersion: state.modelVersion, shard, dim: FAKE_DIM, results: [result] };
  };
  const { server, address } = await listen(loadProtos().grpcObject.dlrs.v1.Retrieval.service, {
    GetItems: (call: grpc.ServerUnaryCall<{ itemIds: string[]; includeEmbeddings: boolean }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'GetItems');
      const found = call.request.itemIds.map((id) => items.find((item) => item.id === id)).filter((item) => item !== undefined);
      callback(null, {
        items: found.map((item) => ({ item: { id: item.id, title: item.title ?? '', features: featureValues(item.features) }, embedding: call.request.includeEmbeddings ? floats(item.embedding) : Buffer.alloc(0), bias: item.bias })),
        notFound: call.request.itemIds.filter((id) => !found.some((item) => item.id === id)),
        modelVersion: state.modelVersion,
        dim: FAKE_DIM,
      });
    },
    EmbedItems: (call: grpc.ServerUnaryCall<{ items: { features: Record<string, { text?: string }> }[] }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'EmbedItems');
      if (state.behaviour.embedItems === 'hang') return;
      // A shard whose spec lacks a feature the gateway's has (a rollout): it names the field its way.
      if (state.behaviour.embedItems === 'invalid') return callback({ code: grpc.status.INVALID_ARGUMENT, details: "items[0].features[genre]: unknown feature 'genre'", metadata: fieldMetadata('items[0].features[genre]') });
      const failed = failure(state.behaviour.embedItems);
      if (failed) return callback(failed);
      const rows = call.request.items.map((item) => fakeItemNet(item.features.genre?.text));
      callback(null, { modelVersion: state.modelVersion, dim: FAKE_DIM, embeddings: floats(rows.flat()), biases: floats(rows.map(() => 0)) });
    },
    UpsertItems: (call: grpc.ServerUnaryCall<{ items: { id: string; features: Record<string, { value?: string; text?: string; texts?: { values: string[] } | null; number?: number }> }[] }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'UpsertItems');
      const foreign = call.request.items.find((item) => !owns(item.id));
      if (foreign) return callback({ code: grpc.status.FAILED_PRECONDITION, details: `item ${foreign.id} belongs to another shard` });
      for (const message of call.request.items) {
        const features: Item['features'] = {};
        for (const [name, value] of Object.entries(message.features)) {
          if (value.value === 'text' && value.text !== undefined) features[name] = value.text;
          if (value.value === 'texts' && value.texts) features[name] = value.texts.values;
          if (value.value === 'number' && value.number !== undefined) features[name] = value.number;
        }
        const at = items.findIndex((item) => item.id === message.id);
        if (at >= 0) items.splice(at, 1);
        items.push({ id: message.id, embedding: [0.5, 0.5, 0], bias: 0, features });
      }
      callback(null, { upserted: call.request.items.length, modelVersion: state.modelVersion });
    },
    DeleteItems: (call: grpc.ServerUnaryCall<{ itemIds: string[] }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'DeleteItems');
      const notFound: string[] = [];
      for (const id of call.request.itemIds) {
        const at = items.findIndex((item) => item.id === id);
        if (at >= 0) items.splice(at, 1);
        else notFound.push(id);
      }
      callback(null, { deleted: call.request.itemIds.length - notFound.length, notFound });
    },
    Search: (call: grpc.ServerUnaryCall<SearchRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      count(calls, 'Search');
      state.searchTimeoutsMs.push(call.request.timeoutMs);
      if (state.behaviour.search === 'hang') return;
      const failed = failure(state.behaviour.search);
      callback(failed ?? null, failed ? undefined : search(call.request));
    },
    SearchStream: (call: grpc.ServerDuplexStream<SearchRequest__Output, SearchStreamResponse>) => {
      call.on('data', (message: SearchRequest__Output) => {
        count(calls, 'stream:search');
        state.searchTimeoutsMs.push(message.timeoutMs);
        if (state.behaviour.search === 'hang') return;
        const failed = failure(state.behaviour.search);
        call.write(failed ? { requestId: message.requestId, error: { code: failed.code, message: failed.details } } : { requestId: message.requestId, response: search(message) });
      });
      call.on('end', () => call.end());
    },
  });
  return Object.assign(state, { address, calls, stop: stopper(server) });
}

/** The fake ItemNet of EmbedItems: [1, 0, 0] for a drama, [0.5, 0, 0] for anything else. */
export function fakeItemNet(genre: string | undefined): number[] {
  return [genre === 'drama' ? 1 : 0.5, 0, 0];
}

/** A client of the fake (or real) ranking tier. */
export function rankingClient(address: string): RankingClient {
  return new (loadProtos().grpcObject.dlrs.v1.Ranking)(address, grpc.credentials.createInsecure(), OWN_CONNECTION);
}

/** A client of a fake (or real) retrieval shard, reading SearchStream answers as the gateway does. */
export function retrievalClient(address: string): RetrievalClient {
  return new (searchStreamDecodingClient(loadProtos().grpcObject.dlrs.v1.Retrieval))(address, grpc.credentials.createInsecure(), OWN_CONNECTION) as unknown as RetrievalClient;
}
