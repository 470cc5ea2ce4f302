import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import type { FeatureSpec } from '../../shared/features/index.js';
import type { SearchStreamResponse__Output } from '../../shared/generated/dlrs/v1/SearchStreamResponse.js';
import { createLogger } from '../../shared/logging/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { loadRetrievalConfig } from '../../services/retrieval/config.js';
import { ItemEmbedder } from '../../services/retrieval/item-embedder.js';
import { startRetrievalServer } from '../../services/retrieval/server.js';
import { standInItemNet } from '../../test/fixtures/stand-in-item-net.js';
import { summarise, timeCalls } from './measure.js';
import type { Timing } from './measure.js';
import type { VectorSet } from './synthetic-vectors.js';

/** Why 16: enough requests in flight on one stream to keep the server busy, as the gateway's multiplexed stream does. */
const STREAM_IN_FLIGHT = 16;

/**
 * The same shard searched in-process and through the Search RPC and the
 * SearchStream RPC at `k` (client in this process, over loopback). The items'
 * embeddings are served by an ItemNet whose id table holds the vectors.
 */
export async function rpcVersusInProcess(items: VectorSet, queries: VectorSet, k: number, expansionSearch: number): Promise<{ inProcess: Timing; unary: Timing; stream: Timing; startupSeconds: number }> {
  const ids = Array.from({ length: items.count }, (_, i) => `item-${i}`);
  const spec: FeatureSpec = { features: [], itemIds: ['<oov>', ...ids], bagLength: 1, eventWeights: {} };
  const idTable = new Array<number>(items.dim).fill(0).concat(Array.from(items.vectors));
  const bytes = standInItemNet(spec, { dim: items.dim, idTable, categoricalTables: {}, biases: new Array<number>(items.count + 1).fill(0) });
  const embedder = await ItemEmbedder.load(bytes, spec, items.dim, { batchRows: 4096 });
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-rpc-'));
  const config = loadRetrievalConfig(
    { bundle: 'bench', shard: '0/1', dataDir },
    { DLRS_RETRIEVAL_HOST: '127.0.0.1', DLRS_RETRIEVAL_PORT: '0', DLRS_RETRIEVAL_METRICS_PORT: '0', DLRS_RETRIEVAL_EXPANSION_SEARCH: String(expansionSearch), DLRS_RETRIEVAL_MAX_MESSAGE_BYTES: String(64 * 1024 * 1024) },
  );
  const started = performance.now();
  const server = await startRetrievalServer({
    config,
    model: { modelVersion: 'bench', dim: items.dim, spec, bundlePath: 'bench', embedder, catalog: () => Promise.resolve(ids.map((id) => ({ id, features: {} }))), loadedAtMs: Date.now() },
    openModel: () => Promise.reject(new Error('not in the bench')),
    logger: createLogger({ level: 'warn' }),
  });
  const service = await server.ready;
  const startupSeconds = (performance.now() - started) / 1000;
  const Client = loadProtos().grpcObject.dlrs.v1.Retrieval;
  const client = new Client(`127.0.0.1:${server.port}`, credentials.createInsecure());
  try {
    const request = (q: number) => ({ requestId: `q${q}`, dim: items.dim, queries: Buffer.from(queries.vectors.buffer, q * items.dim * 4, items.dim * 4), k, includeEmbeddings: true });
    const decode = (q: number) => ({ ...request(q), modelVersion: '', excludeIds: [], filter: null, timeoutMs: 0 });
    const inProcess = timeCalls(queries.count, (q) => service.search(decode(q)));
    const unaryLatencies = new Float64Array(queries.count);
    let unaryStarted = performance.now();
    for (let q = 0; q < queries.count; q++) {
      const t = performance.now();
      await new Promise<void>((resolve, reject) => client.Search(request(q), (error) => (error ? reject(error) : resolve())));
      unaryLatencies[q] = performance.now() - t;
    }
    const unary = summarise(unaryLatencies, performance.now() - unaryStarted);
    unaryStarted = performance.now();
    const stream = client.SearchStream();
    const sentAt = new Float64Array(queries.count);
    const streamLatencies = new Float64Array(queries.count);
    let next = 0;
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const send = (): void => {
        sentAt[next] = performance.now();
        stream.write(request(next++));
      };
      stream.on('data', (answer: SearchStreamResponse__Output) => {
        const q = Number(answer.requestId.slice(1));
        streamLatencies[q] = performance.now() - sentAt[q];
        if (answer.error) reject(new Error(answer.error.message));
        if (++received === queries.count) resolve();
        else if (next < queries.count) send();
      });
      stream.on('error', reject);
      while (next < Math.min(STREAM_IN_FLIGHT, queries.count)) send();
    });
    stream.end();
    return { inProcess, unary, stream: summarise(streamLatencies, performance.now() - unaryStarted), startupSeconds };
  } finally {
    client.close();
    await server.close('bench done');
    await embedder.release();
    await rm(dataDir, { recursive: true, force: true });
  }
}
