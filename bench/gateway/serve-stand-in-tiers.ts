// Stand-in ranking and retrieval tiers for the gateway benchmark, in their own process so that
// their CPU is not the gateway's: answers of the real shapes (dim 64, the requested number of
// candidates with their embeddings, RankNet scores and top-k order, item features) built from
// precomputed buffers, so that they cost little and the same every run. Prints one line
// `tiers {"ranking":"host:port","shards":["host:port",…]}` once every server listens. With
// `--bundle-rows`, ranking says it resolves bundle items and the shards then leave every row out
// (all candidates are the bundle's), as the real tiers do for an unchanged catalog.
import { parseArgs } from 'node:util';
import { defineConfig, loadConfig, serverConfigShape } from '../../shared/config/index.js';
import { bidi, createGrpcServer, findService, unary } from '../../shared/grpc/index.js';
import type { GrpcServer, ServiceImplementation, StreamWriter } from '../../shared/grpc/index.js';
import type { EmbedUsersRequest__Output } from '../../shared/generated/dlrs/v1/EmbedUsersRequest.js';
import type { EmbedUsersResponse } from '../../shared/generated/dlrs/v1/EmbedUsersResponse.js';
import type { GetItemsRequest__Output } from '../../shared/generated/dlrs/v1/GetItemsRequest.js';
import type { GetItemsResponse } from '../../shared/generated/dlrs/v1/GetItemsResponse.js';
import type { RankRequest__Output } from '../../shared/generated/dlrs/v1/RankRequest.js';
import type { RankResponse } from '../../shared/generated/dlrs/v1/RankResponse.js';
import type { RankStreamRequest__Output } from '../../shared/generated/dlrs/v1/RankStreamRequest.js';
import type { RankStreamResponse } from '../../shared/generated/dlrs/v1/RankStreamResponse.js';
import type { SearchRequest__Output } from '../../shared/generated/dlrs/v1/SearchRequest.js';
import type { SearchResponse } from '../../shared/generated/dlrs/v1/SearchResponse.js';
import type { SearchStreamResponse } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { DlrsError } from '../../shared/errors/index.js';
import { createLogger } from '../../shared/logging/index.js';
import { bundleRowsBytes, loadProtos } from '../../shared/proto/index.js';
import { SeededRandom } from '../../shared/random/index.js';

/** The model version every stand-in answers with (the gateway checks that tiers agree). */
const MODEL_VERSION = 'stand-in';
/** Rows each shard can answer: more than any shard's share of 300 candidates. */
const MAX_ROWS = 512;
/** Distinct answers per shard, cycled, so that the merge does not see the very same ids every time. */
const ANSWER_VARIANTS = 8;
/** Categories and tags of the synthetic catalog the 1M bundle was trained on. */
const CATEGORIES = 200;
const TAGS_PER_CATEGORY = 6;

/** Methods the gateway's Recommend path does not call. */
const notServed = unary(async () => {
  throw new DlrsError('FAILED_PRECONDITION', 'the stand-in tiers serve the Recommend path only');
});

const floats = (values: ArrayLike<number>): Buffer => Buffer.from(Float32Array.from(values).buffer);

/** One shard's precomputed answers: ids, similarities best first, embeddings and biases. */
function shardAnswers(shard: number, shards: number, dim: number, random: SeededRandom): { itemIds: string[]; similarities: Buffer; embeddings: Buffer; biases: Buffer }[] {
  return Array.from({ length: ANSWER_VARIANTS }, (_, variant) => {
    const base = 1 + variant * MAX_ROWS * shards;
    const itemIds = Array.from({ length: MAX_ROWS }, (_, row) => `i${base + row * shards + shard}`);
    const similarities = Array.from({ length: MAX_ROWS }, () => random.next()).sort((a, b) => b - a);
    return {
      itemIds,
      similarities: floats(similarities),
      embeddings: floats(Array.from({ length: MAX_ROWS * dim }, () => random.next() - 0.5)),
      biases: floats(Array.from({ length: MAX_ROWS }, () => random.next() - 0.5)),
    };
  });
}

function searchService(shard: number, shards: number, dim: number): ServiceImplementation {
  // Row i of the answer is row i of the stand-in bundle.
  const allBundleRows = bundleRowsBytes(Uint32Array.from({ length: MAX_ROWS }, (_, row) => row));
  const answers = shardAnswers(shard, shards, dim, new SeededRandom(11 + shard));
  let next = 0;
  const search = (request: SearchRequest__Output): SearchResponse => {
    const answer = answers[next++ % answers.length];
    const rows = Math.min(request.k, MAX_ROWS);
    const omit = request.includeEmbeddings && request.omitBundleEmbeddings;
    const shipped = request.includeEmbeddings && !omit ? rows : 0;
    const result = {
      itemIds: answer.itemIds.slice(0, rows),
      similarities: answer.similarities.subarray(0, 4 * rows),
      embeddings: answer.embeddings.subarray(0, 4 * dim * shipped),
      biases: answer.biases.subarray(0, 4 * shipped),
      bundleRows: omit ? allBundleRows.subarray(0, 4 * rows) : Buffer.alloc(0),
    };
    return { requestId: request.requestId, modelVersion: MODEL_VERSION, shard, dim, results: [result] };
  };
  return {
    Search: unary(async (request: SearchRequest__Output) => search(request)),
    SearchStream: bidi(async (requests: AsyncIterable<SearchRequest__Output>, writer: StreamWriter<SearchStreamResponse>) => {
      for await (const request of requests) await writer.write({ requestId: request.requestId, response: search(request) });
    }),
    GetItems: unary(async (request: GetItemsRequest__Output): Promise<GetItemsResponse> => ({
      items: request.itemIds.map((id) => {
        const n = Number(id.slice(1)) || 0;
        const category = `cat-${String(n % CATEGORIES).padStart(3, '0')}`;
        return {
          item: {
            id,
            title: `Item ${n} (${category})`,
            features: {
              category: { text: category },
              tags: { texts: { values: [`tag-${n % CATEGORIES}-${n % TAGS_PER_CATEGORY}`, `tag-shared-${n % 12}`] } },
              price: { number: 5 + (n % 40) },
              year: { number: 1990 + (n % 30) },
            },
          },
        };
      }),
      notFound: [],
      modelVersion: MODEL_VERSION,
      dim,
    })),
    UpsertItems: notServed,
    DeleteItems: notServed,
    EmbedItems: notServed,
    Stats: notServed,
    Snapshot: notServed,
    LoadModel: notServed,
  };
}

function rankingService(dim: number, resolvesBundleItems: boolean): ServiceImplementation {
  const random = new SeededRandom(5);
  const user = { embedding: floats(Array.from({ length: dim }, () => random.next() - 0.5)), bias: floats([0.1]) };
  const scores = Array.from({ length: MAX_ROWS }, () => random.next());
  const embedUsers = (request: EmbedUsersRequest__Output): EmbedUsersResponse => {
    const count = request.profiles.length;
    return { requestId: request.requestId, modelVersion: MODEL_VERSION, dim, count, embeddings: Buffer.concat(Array(count).fill(user.embedding)), biases: Buffer.concat(Array(count).fill(user.bias)), resolvesBundleItems };
  };
  const rank = (request: RankRequest__Output): RankResponse => {
    const rows = Math.min(request.bundleRows.length > 0 ? request.bundleRows.length / 4 : request.itemBiases.length / 4, MAX_ROWS);
    const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => scores[b] - scores[a]).slice(0, request.topK);
    return { requestId: request.requestId, modelVersion: MODEL_VERSION, scores: floats(scores.slice(0, rows)), order };
  };
  return {
    EmbedUsers: unary(async (request: EmbedUsersRequest__Output) => embedUsers(request)),
    Rank: unary(async (request: RankRequest__Output) => rank(request)),
    RankStream: bidi(async (requests: AsyncIterable<RankStreamRequest__Output>, writer: StreamWriter<RankStreamResponse>) => {
      for await (const message of requests) {
        if (message.rank) await writer.write({ requestId: message.requestId, rank: rank(message.rank) });
        else if (message.embedUsers) await writer.write({ requestId: message.requestId, embedUsers: embedUsers(message.embedUsers) });
      }
    }),
    GetModel: notServed,
    LoadModel: notServed,
  };
}

async function serve(service: string, implementation: ServiceImplementation): Promise<{ server: GrpcServer; address: string }> {
  const { packageDefinition } = loadProtos();
  const server = createGrpcServer({
    logger: createLogger({ level: 'warn', base: { service: `stand-in ${service}` } }),
    config: loadConfig(defineConfig(serverConfigShape({ port: 0, metricsPort: 0 })), { env: { DLRS_HOST: '127.0.0.1', DLRS_SHUTDOWN_TIMEOUT_MS: '1000' } }),
    name: `stand-in-${service}`,
    packageDefinitions: [packageDefinition],
    services: [{ definition: findService([packageDefinition], `dlrs.v1.${service}`), implementation }],
  });
  const { port } = await server.start();
  server.setReady(true);
  return { server, address: `127.0.0.1:${port}` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { shards: { type: 'string', default: '2' }, dim: { type: 'string', default: '64' }, 'bundle-rows': { type: 'boolean', default: false } } });
  const shards = Number(values.shards);
  const dim = Number(values.dim);
  const ranking = await serve('Ranking', rankingService(dim, values['bundle-rows']));
  const shardServers = await Promise.all(Array.from({ length: shards }, (_, shard) => serve('Retrieval', searchService(shard, shards, dim))));
  const stop = (): void => void Promise.all([ranking, ...shardServers].map(({ server }) => server.shutdown('stop signal'))).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`tiers ${JSON.stringify({ ranking: ranking.address, shards: shardServers.map((s) => s.address) })}`);
}

await main();
