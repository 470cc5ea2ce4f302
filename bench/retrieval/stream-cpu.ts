import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { runSearchLoad, startShard, STREAM_IN_FLIGHT } from './bench-shard.js';
import { threadCpuMicros } from './measure.js';
import type { Timing } from './measure.js';
import type { VectorSet } from './synthetic-vectors.js';

/** Why 5: the gateway excludes the few recent items of a request's context. */
const EXCLUDED_PER_REQUEST = 5;
/** Why 1000: the JIT has compiled the search path and the connection's windows have grown before the measured requests. */
const WARMUP_REQUESTS = 1_000;

/** What one SearchStream request costs the shard's server process. */
export interface StreamCpu {
  k: number;
  requests: number;
  stream: Timing;
  /** CPU of the server's main thread (gRPC, decoding, filtering, response building), µs per request; undefined off Linux. */
  mainThreadCpuUs: number | undefined;
  /** CPU of every thread of the server process (the index worker's graph search too), µs per request. */
  processCpuUs: number;
  clientCpuUs: number;
  /** Main-thread JS heap allocated per request, KiB (Buffer backing stores are outside the heap and not counted). */
  heapAllocatedKiB: number;
  /** Young-generation collections per 1000 requests, and main-thread GC time per 1000 requests. */
  scavengesPer1000: number;
  gcMsPer1000: number;
}

/**
 * Per-request cost of SearchStream calls as the gateway makes them (k
 * candidates with embeddings, a few excluded ids, 16 in flight) on a shard
 * server in this process started from a copy of the snapshot in
 * `snapshotDir`, driven by a client process. With `cpuProfilePath`, a V8 CPU
 * profile of the measured requests is written there (bench/e2e/summarise-cpu-profile.ts reads it);
 * with `heapProfilePath`, a sampling heap profile of their allocations (Chrome DevTools reads it).
 */
export async function streamCpu(
  items: VectorSet,
  queries: VectorSet,
  snapshotDir: string,
  options: { k: number; requests: number; expansionSearch: number; cpuProfilePath?: string; heapProfilePath?: string },
): Promise<StreamCpu> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dlrs-bench-stream-'));
  try {
    await cp(snapshotDir, dataDir, { recursive: true });
    const shard = await startShard(items, dataDir, options.expansionSearch, false);
    try {
      const load = (requests: number) =>
        runSearchLoad(shard.server.port, { queries: queries.count, dim: items.dim, k: options.k, 'in-flight': STREAM_IN_FLIGHT, calls: 'stream', requests, exclude: EXCLUDED_PER_REQUEST });
      await load(WARMUP_REQUESTS);
      const session = options.cpuProfilePath === undefined && options.heapProfilePath === undefined ? undefined : new Session();
      session?.connect();
      if (options.cpuProfilePath !== undefined) {
        await session?.post('Profiler.enable');
        await session?.post('Profiler.start');
      }
      // Every 4 KiB allocated: fine enough for objects of a few dozen bytes over thousands of requests.
      if (options.heapProfilePath !== undefined) await session?.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
      const gc = new GCProfiler();
      const heapAtStart = getHeapStatistics().used_heap_size;
      gc.start();
      const threadAtStart = threadCpuMicros();
      const processAtStart = process.cpuUsage();
      const remote = await load(options.requests);
      const processCpu = process.cpuUsage(processAtStart);
      const threadAtEnd = threadCpuMicros();
      const collections = gc.stop().statistics;
      const heapAtEnd = getHeapStatistics().used_heap_size;
      if (session !== undefined && options.cpuProfilePath !== undefined) {
        const { profile } = await session.post('Profiler.stop');
        await writeFile(options.cpuProfilePath, JSON.stringify(profile));
      }
      if (session !== undefined && options.heapProfilePath !== undefined) {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        await writeFile(options.heapProfilePath, JSON.stringify(profile));
      }
      session?.disconnect();
      if (remote.stream === undefined) throw new Error('the load client made no stream calls');
      // Allocated = what each collection found in use beyond what the previous one left, plus the growth since the last.
      let allocated = 0;
      let left = heapAtStart;
      for (const collection of collections) {
        allocated += collection.beforeGC.heapStatistics.usedHeapSize - left;
        left = collection.afterGC.heapStatistics.usedHeapSize;
      }
      allocated += heapAtEnd - left;
      const perRequest = (total: number): number => total / options.requests;
      return {
        k: options.k,
        requests: options.requests,
        stream: remote.stream,
        mainThreadCpuUs: threadAtStart === undefined || threadAtEnd === undefined ? undefined : perRequest(threadAtEnd - threadAtStart),
        processCpuUs: perRequest(processCpu.user + processCpu.system),
        clientCpuUs: remote.clientCpuUsPerRpc,
        heapAllocatedKiB: perRequest(allocated) / 1024,
        scavengesPer1000: perRequest(collections.filter((c) => c.gcType === 'Scavenge').length) * 1000,
        gcMsPer1000: perRequest(collections.reduce((sum, c) => sum + c.cost, 0) / 1000) * 1000,
      };
    } finally {
      await shard.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
