import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSearchLoad, startShard, STREAM_IN_FLIGHT } from './bench-shard.js';
import { timeAsyncCalls } from './measure.js';
import type { Timing } from './measure.js';
import type { VectorSet } from './synthetic-vectors.js';

/**
 * The same shard searched in-process and through the Search RPC and the
 * SearchStream RPC at `k`, from a client process over loopback; the server
 * starts from a copy of the snapshot in `snapshotDir`. With `rawStartup`,
 * a second server is started from the raw items (ItemNet + index build) for
 * the start-up comparison.
 */
export async function rpcVersusInProcess(
  items: VectorSet,
  queries: VectorSet,
  k: number,
  expansionSearch: number,
  snapshotDir: string,
  rawStartup: boolean,
): Promise<{
  inProcess: Timing;
  unary: Timing;
  stream: Timing;
  /** CPU time (all threads of the process) per search: in-process, in the server per RPC, in the client per RPC. */
  inProcessCpuUs: number;
  serverCpuUsPerRpc: number;
  clientCpuUsPerRpc: number;
  fromSnapshotSeconds: number;
  fromRawItemsSeconds: number | undefined;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-rpc-'));
  let fromRawItemsSeconds: number | undefined;
  try {
    if (rawStartup) {
      const raw = await startShard(items, join(dataDir, 'raw'), expansionSearch, true);
      fromRawItemsSeconds = raw.seconds;
      await raw.stop();
    }
    await cp(snapshotDir, join(dataDir, 'snapshot'), { recursive: true });
    const shard = await startShard(items, join(dataDir, 'snapshot'), expansionSearch, false);
    try {
      const service = await shard.server.ready;
      const decoded = (q: number) => ({ requestId: `q${q}`, dim: items.dim, queries: Buffer.from(queries.vectors.buffer, q * items.dim * 4, items.dim * 4), k, includeEmbeddings: true, modelVersion: '', excludeIds: [], filter: null, timeoutMs: 0, traceContext: {}, omitBundleEmbeddings: false });
      let cpu = process.cpuUsage();
      const inProcess = await timeAsyncCalls(queries.count, (q) => service.search(decoded(q)));
      const inProcessCpuUs = cpuMicros(process.cpuUsage(cpu)) / queries.count;
      cpu = process.cpuUsage();
      const remote = await runSearchLoad(shard.server.port, { queries: queries.count, dim: items.dim, k, 'in-flight': STREAM_IN_FLIGHT });
      // The client sends every query twice: once per unary call, once on the stream.
      const serverCpuUsPerRpc = cpuMicros(process.cpuUsage(cpu)) / (2 * queries.count);
      if (remote.unary === undefined || remote.stream === undefined) throw new Error('the load client made no unary or no stream calls');
      return { inProcess, unary: remote.unary, stream: remote.stream, inProcessCpuUs, serverCpuUsPerRpc, clientCpuUsPerRpc: remote.clientCpuUsPerRpc, fromSnapshotSeconds: shard.seconds, fromRawItemsSeconds };
    } finally {
      await shard.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
