// `make loadtest-local`: the demo's topology (bin/demo: two retrieval shards, ranking and the
// gateway, each `dlrs serve ...` in its own process on a free loopback port) over a tiny bundle,
// profiles recorded for the user ids of the request data (so that they take the full path, not
// the popular fallback), then `dlrs bench load --config FILE [options] ADDRESS` in a child
// process for each file; everything is stopped at the end.
// Usage: local-topology.ts [dlrs bench load options] GHZ_CONFIG.json...
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import type { ModelBundle } from '../../shared/bundle/index.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import { bearerTokenInterceptor, callUnary } from '../../shared/grpc/index.js';
import { loadProtos } from '../../shared/proto/index.js';
import { startCluster } from '../../bin/demo/demo-cluster.js';
import { ensureBundle } from '../../bin/demo/ensure-bundle.js';
import { readGhzConfig } from './load-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DLRS = join(ROOT, 'bin/dlrs.js');
/** Bundles are kept here and reused by later runs (one per data/seed/epochs). */
const WORK_DIR = join(ROOT, '.data/loadtest');
/** 300 items, one epoch: trained in seconds; the topology, not the model, is under test. */
const BUNDLE = { data: 'synthetic:tiny', seed: 1, epochs: 1 };
/** Events recorded per user: enough for a profile that is not the popular fallback. */
const EVENTS_PER_USER = 5;

/** Runs `dlrs bench load` in its own process (own event loop); resolves its exit code. */
function benchLoad(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DLRS, 'bench', 'load', ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** Records a few views of catalog items for each user id, so that each has a stored profile. */
async function recordProfiles(address: string, apiToken: string, userIds: string[], bundle: ModelBundle): Promise<RecordInteractionsResponse__Output> {
  const client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(address, credentials.createInsecure(), { interceptors: [bearerTokenInterceptor(apiToken)] });
  try {
    const events = userIds.flatMap((userId, u) =>
      Array.from({ length: EVENTS_PER_USER }, (_, i) => {
        const item = bundle.items[(u * 31 + i * 7) % bundle.items.length];
        return { userId, interaction: { itemId: item.id, eventType: 'view', eventId: `loadtest-${userId}-${i}`, timestampMs: 1_000 + i } };
      }),
    );
    return await callUnary<RecordInteractionsResponse__Output>((md, o, cb) => client.RecordInteractions({ events }, md, o, cb), { deadline: Date.now() + 10_000 });
  } finally {
    client.close();
  }
}

const args = process.argv.slice(2);
const files = args.filter((a) => a.endsWith('.json'));
const options = args.filter((a) => !a.endsWith('.json'));
if (files.length === 0) {
  console.error('usage: local-topology.ts [dlrs bench load options] GHZ_CONFIG.json...');
  process.exit(2);
}
const userIds = [...new Set(files.flatMap((f) => (readGhzConfig(f).messages ?? []).map((m) => (m as { userId?: unknown }).userId).filter((id): id is string => typeof id === 'string')))];

const signal = new AbortController().signal;
const bundlesDir = join(WORK_DIR, 'bundles');
await mkdir(bundlesDir, { recursive: true });
const { bundle } = await ensureBundle({ ...BUNDLE, bundlesDir, signal, log: (line) => console.log(`  ${line}`) });
const runDir = await mkdtemp(join(WORK_DIR, 'run-'));
const cluster = await startCluster({ bundleDir: bundle.dir, runDir, signal, onServing: (s) => console.log(`${s.process.name.padEnd(13)} SERVING at ${s.address}`) });
let failed = 0;
try {
  const recorded = await recordProfiles(cluster.gateway.address, cluster.apiToken, userIds, bundle);
  console.log(`profiles for ${userIds.length} users of the request data: ${recorded.accepted} events recorded\n`);
  for (const file of files) {
    if ((await benchLoad(['--config', file, '--metadata', JSON.stringify({ authorization: `Bearer ${cluster.apiToken}` }), ...options, cluster.gateway.address])) !== 0) failed++;
    console.log('');
  }
} finally {
  for (const line of await cluster.stop()) console.log(line);
  await rm(runDir, { recursive: true, force: true });
}
process.exitCode = failed === 0 ? 0 : 1;
