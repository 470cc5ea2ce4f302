// The closed loop on the demo topology: traffic through the gateway, retrain from its log, rollout, a failing rollout rolled back under load, online metrics.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { InteractionLogWriter, readInteractionLog } from '../../shared/interaction-log/index.js';
import type { InteractionLogRecord } from '../../shared/interaction-log/index.js';
import { SeededRandom } from '../../shared/random/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import { startCluster } from '../../bin/demo/demo-cluster.js';
import { recommend, recommenderClient, recordHistories } from '../../bin/demo/recommender-calls.js';
import { DEFAULT_PROBE_TOLERANCE } from '../../bin/rollout/compare-probe-answer.js';
import { rollOutBundle } from '../../bin/rollout/roll-out-bundle.js';
import { readBundle, writeBundle } from '../../shared/bundle/index.js';
import { catalogItem, columnValue } from '../../shared/features/index.js';
import type { Item } from '../../shared/features/index.js';
import type { FeatureValue } from '../../shared/generated/dlrs/v1/FeatureValue.js';
import { loadDataset } from '../../services/trainer/datasets/index.js';
import { runOnlineReport } from '../../services/trainer/online-report-command.js';
import { runRetrain } from '../../services/trainer/retrain-command.js';
import { runTrain } from '../../services/trainer/train-command.js';

const USERS = 100;
/**
 * Epochs of the starting bundles: a serving model that ranks the users' old tastes well, so
 * that a candidate which lost them (the relabelled one) has something to lose.
 */
const STARTING_EPOCHS = 8;
const LOAD_INTERVAL_MS = 20;
/** Clicks on the drifted category per user before traffic starts. */
const DRIFT_CLICKS = 10;
/** Traffic per version: long enough for a few hundred impressions. */
const PHASE_MS = 20_000;
/**
 * The log holds about a thousand examples: batches of 64 give an epoch some fifteen steps
 * (1024, the default, one), and a rate of 0.03 lets the few epochs early stopping allows move
 * the warm-started weights (at 0.01 the drifted category's items barely rose).
 */
const RETRAIN_OPTIONS = ['--epochs', '20', '--batch', '64', '--lr', '0.03', '--workers', '1'];
/**
 * Share of the traffic loop's turns in which the user also finds an item by themselves (an
 * organic event): half of them in the new category, half in a category of their own history
 * (old tastes persist beside the new one).
 */
const BROWSE_SHARE = 0.5;

/**
 * The broken candidate's training log: every interaction's item relabelled by a seeded
 * permutation of the catalog (impressions copied), as a pipeline bug that scrambles item ids
 * would leave it. Retrain trains on it (--train-log) and compares on the real log. Relabelling
 * the catalog, not permuting the events' items: a permutation of events keeps each item's
 * click count, and with the drift the new category's popularity is much of the signal.
 */
async function writeRelabelledLog(from: string, to: string, catalog: readonly string[]): Promise<void> {
  const records: InteractionLogRecord[] = [];
  for await (const r of readInteractionLog(from)) records.push(r);
  const permuted = [...catalog];
  new SeededRandom(7).shuffle(permuted);
  const relabel = new Map(catalog.map((id, k) => [id, permuted[k]]));
  const writer = await InteractionLogWriter.open({ dir: to, writerId: 'relabelled' });
  for (const r of records) writer.append(r.type === 'interaction' ? { ...r, itemId: relabel.get(r.itemId) ?? r.itemId } : r);
  await writer.close();
}

/**
 * A bundle whose reference answers are not what it serves: `networks`' files with the probes
 * (requests and reference answers) of `probesOf`, as a bundle exported from other weights than
 * it holds would be. Checksums and model_version are its own, so every tier loads it.
 */
async function writeMismatchedBundle(networks: string, probesOf: string, to: string): Promise<void> {
  const [bundle, other] = await Promise.all([readBundle(networks), readBundle(probesOf)]);
  const { formatVersion: _f, modelVersion: _v, createdAt: _c, files: _files, ...manifest } = bundle.manifest;
  await writeBundle(to, { userNet: bundle.userNet, itemNet: bundle.itemNet, rankNet: bundle.rankNet, items: bundle.items, manifest, probes: other.probes });
}

/** Raw features as an Item message carries them. */
function featureValues(features: Item['features']): Record<string, FeatureValue> {
  return Object.fromEntries(Object.entries(features).map(([name, v]) => [name, typeof v === 'string' ? { text: v } : typeof v === 'number' ? { number: v } : { texts: { values: v } }]));
}

/** Per model version, the share of impressed items that belong to `category`. */
async function categoryShare(logDir: string, isCategory: (itemId: string) => boolean): Promise<Map<string, { share: number; items: number }>> {
  const counts = new Map<string, { hits: number; items: number }>();
  for await (const r of readInteractionLog(logDir)) {
    if (r.type !== 'impression') continue;
    const c = counts.get(r.modelVersion) ?? { hits: 0, items: 0 };
    counts.set(r.modelVersion, c);
    for (const item of r.items.slice(0, 10)) {
      c.items++;
      if (isCategory(item)) c.hits++;
    }
  }
  return new Map([...counts].map(([v, c]) => [v, { share: c.items === 0 ? 0 : c.hits / c.items, items: c.items }]));
}

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'dlrs-retrain-drill-'));
  const checks: [boolean, string][] = [];
  const train = (out: string, seed: number): Promise<number> => runTrain(['--data', 'synthetic:tiny', '--out', out, '--epochs', String(STARTING_EPOCHS), '--dim', '16', '--seed', String(seed), '--workers', '1']);
  const [a, b] = [join(root, 'a'), join(root, 'b')];
  if ((await train(a, 1)) !== 0 || (await train(b, 2)) !== 0) throw new Error('training the starting bundles failed');
  const runDir = join(root, 'run');
  await mkdir(runDir);
  const cluster = await startCluster({ bundleDir: a, runDir, signal: new AbortController().signal, onServing: (s) => console.log(`${s.process.name} serving on ${s.address}`) });
  try {
    const source = await loadDataset('synthetic:tiny');
    const i = source.interactions;
    const histories = new Map<string, { userId: string; events: { itemId: string; eventType: string; timestampMs: number }[] }>();
    for (let k = 0; k < i.user.length; k++) {
      const userId = i.userIds[i.user[k]];
      if (!histories.has(userId) && histories.size >= USERS) continue;
      const h = histories.get(userId) ?? { userId, events: [] };
      histories.set(userId, h);
      h.events.push({ itemId: source.items.ids[i.item[k]], eventType: 'click', timestampMs: Date.now() - 3_600_000 + k });
    }
    const client = recommenderClient(cluster.gateway.address, cluster.apiToken);
    const users = [...histories.values()];
    console.log(`recorded ${(await recordHistories(client, users)).accepted} events of ${users.length} users`);
    // Drift: the category the histories touch least becomes what every user clicks.
    const category = source.items.features.get('category');
    if (category === undefined) throw new Error('synthetic data without a category feature');
    const categoryOf = new Map(source.items.ids.map((id, r) => [id, String(columnValue(category, r))]));
    const seen = new Map<string, number>();
    for (const u of users) for (const e of u.events) seen.set(categoryOf.get(e.itemId) ?? '', (seen.get(categoryOf.get(e.itemId) ?? '') ?? 0) + 1);
    const drifted = [...new Set(categoryOf.values())].sort((x, y) => (seen.get(x) ?? 0) - (seen.get(y) ?? 0))[0];
    const driftItems = source.items.ids.filter((id) => categoryOf.get(id) === drifted);
    // The catalog changes too: an item of the new category is upserted through the gateway (and
    // clicked with the others), an item no simulated user has touched is deleted. Retrain must
    // read both from the log.
    const upserted = 'drill-upserted-1';
    const template = catalogItem(source.items, source.items.ids.indexOf(driftItems[0]));
    await callUnary((md, o, cb) => client.UpsertItems({ items: [{ id: upserted, title: 'Upserted during the drift', features: featureValues(template.features) }] }, md, o, cb), { deadline: Date.now() + 10_000 });
    const touched = new Set(users.flatMap((u) => u.events.map((e) => e.itemId)));
    const deleted = source.items.ids.find((id) => !touched.has(id) && categoryOf.get(id) !== drifted);
    if (deleted === undefined) throw new Error('every catalog item is in a simulated history: none to delete');
    await callUnary((md, o, cb) => client.DeleteItems({ itemIds: [deleted] }, md, o, cb), { deadline: Date.now() + 10_000 });
    categoryOf.set(upserted, drifted);
    categoryOf.delete(deleted);
    driftItems.push(upserted);
    const rng = new SeededRandom(11);
    const itemsOf = new Map<string, string[]>();
    for (const [id, c] of categoryOf) itemsOf.set(c, [...(itemsOf.get(c) ?? []), id]);
    const tastes = new Map(users.map((u) => [u.userId, u.events.map((e) => categoryOf.get(e.itemId) ?? drifted)]));
    const oldTaste = (userId: string): string => {
      const own = tastes.get(userId) ?? [drifted];
      const pool = itemsOf.get(own[rng.int(own.length)]) ?? driftItems;
      return pool[rng.int(pool.length)];
    };
    let eventSeq = 0;
    const click = (userId: string, itemId: string): Promise<unknown> =>
      callUnary((md, o, cb) => client.RecordInteractions({ events: [{ userId, interaction: { itemId, eventType: 'click', timestampMs: Date.now(), eventId: `drill-${eventSeq++}` } }] }, md, o, cb), { deadline: Date.now() + 5000 });
    // Old tastes persist: each drift click comes with one in a category of the user's own history.
    for (let round = 0; round < DRIFT_CLICKS; round++) {
      for (const u of users) {
        await click(u.userId, driftItems[rng.int(driftItems.length)]);
        await click(u.userId, oldTaste(u.userId));
      }
    }
    console.log(`drift: category ${drifted} (${driftItems.length} items) now clicked by every user, ${DRIFT_CLICKS} clicks each beside ${DRIFT_CLICKS} in their own categories`);
    // Traffic: each answer's items of the drifted category get a click (the users' new taste), and
    // now and then the user finds one by browsing, whatever was shown (the organic events the gate compares on).
    let calls = 0;
    let failures = 0;
    let running = true;
    const traffic = async (): Promise<void> => {
      while (running) {
        const user = users[calls % users.length];
        calls++;
        try {
          const answer = await recommend(client, { userId: user.userId, k: 10 });
          const liked = answer.items.find((item) => categoryOf.get(item.itemId) === drifted);
          if (liked !== undefined) await click(user.userId, liked.itemId);
          if (rng.next() < BROWSE_SHARE) await click(user.userId, rng.next() < 0.5 ? driftItems[rng.int(driftItems.length)] : oldTaste(user.userId));
        } catch {
          failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, LOAD_INTERVAL_MS));
      }
    };
    const phase = async (ms: number): Promise<void> => {
      running = true;
      const load = traffic();
      await new Promise((resolve) => setTimeout(resolve, ms));
      running = false;
      await load;
    };
    const targets = {
      ranking: cluster.services.find((s) => s.process.name === 'ranking')?.address ?? '',
      retrieval: cluster.services.filter((s) => s.process.name.startsWith('retrieval')).map((s) => s.address),
      gateway: cluster.gateway.address,
      internalToken: (await readFile(join(runDir, 'internal-token'), 'utf8')).trim(),
      apiToken: cluster.apiToken,
    };
    const log = (line: string): void => console.log(`  ${line}`);
    const probeUsers = users.slice(0, 5).map((u) => u.userId);
    await phase(PHASE_MS);
    const logDir = join(runDir, 'gateway', 'interactions');
    // The log writer flushes on a timer: wait for the phase's records to reach the files.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const registry = join(root, 'registry.jsonl');
    const c = join(root, 'c');
    const code = await runRetrain(['--log', logDir, '--serving', a, '--out', c, '--registry', registry, ...RETRAIN_OPTIONS]);
    checks.push([code === 0, `retrain on the drifted log: exit code ${code} (0 = promoted)`]);
    const candidate = await readBundle(c);
    const catalog = new Set(candidate.items.map((item) => item.id));
    const hasRow = candidate.manifest.featureSpec.itemIds.includes(upserted);
    checks.push([catalog.has(upserted) && hasRow && !catalog.has(deleted), `catalog changes through the gateway: ${upserted} ${catalog.has(upserted) ? 'in' : 'NOT in'} the candidate's catalog (${hasRow ? 'with' : 'without'} an embedding row), deleted ${deleted} ${catalog.has(deleted) ? 'still in it' : 'gone'}`]);
    const relabelled = join(root, 'relabelled-log');
    await writeRelabelledLog(logDir, relabelled, source.items.ids);
    const broken = await runRetrain(['--log', logDir, '--train-log', relabelled, '--serving', a, '--out', join(root, 'broken'), '--registry', registry, ...RETRAIN_OPTIONS]);
    checks.push([broken === 3, `candidate on relabelled (shuffled-item) interactions: exit code ${broken} (3 = refused)`]);
    console.log(await readFile(registry, 'utf8'));
    running = true;
    const during = traffic();
    const good = await rollOutBundle(c, targets, { probeUsers, tolerance: DEFAULT_PROBE_TOLERANCE, loadDeadlineMs: 120_000, settleMs: 30_000, log });
    checks.push([good.ok, `rollout of the promoted candidate (probe users and its probes.json against its reference answers): ${good.ok ? 'ok' : good.problem}`]);
    // b's networks carrying a's reference answers: the tiers serve b whole, its answers are not the reference: rolled back to c.
    const mismatched = join(root, 'b-with-a-probes');
    await writeMismatchedBundle(b, a, mismatched);
    const bad = await rollOutBundle(mismatched, targets, { probeUsers, tolerance: DEFAULT_PROBE_TOLERANCE, loadDeadlineMs: 120_000, settleMs: 3000, log });
    const onReference = /probe probes\.json\[\d+\]: (top-\d+ overlap|score of)/.test(bad.problem ?? '');
    checks.push([!bad.ok && onReference && bad.serving === good.serving, `failing probe (answers not the bundle's reference answers): rolled back to ${bad.serving} (${bad.problem ?? 'no problem'})`]);
    running = false;
    await during;
    checks.push([failures === 0, `${failures} of ${calls} calls failed (rollout and rollback under traffic)`]);
    await phase(PHASE_MS);
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const from = good.from.modelVersion;
    const lines: string[] = [];
    const print = console.log;
    console.log = (line: string): void => void lines.push(line);
    try {
      await runOnlineReport(['--log', logDir, '--window-ms', '60000', '--versions', `${from},${good.serving}`]);
    } finally {
      console.log = print;
    }
    for (const line of lines) console.log(line);
    const shares = await categoryShare(logDir, (id) => categoryOf.get(id) === drifted);
    const share = (version: string): number => shares.get(version)?.share ?? NaN;
    // Answers that name no version are the popular fallback (an unknown user, or a tier switching models).
    for (const [version, x] of shares) console.log(`category ${drifted} in the top-10 of ${version || 'no model version (fallback)'}: ${(x.share * 100).toFixed(1)} % of ${x.items} impressed items`);
    checks.push([share(good.serving) > share(from), `new category ${drifted} in the top-10: ${from} ${(share(from) * 100).toFixed(1)} % → ${good.serving} ${(share(good.serving) * 100).toFixed(1)} %`]);
    const ctr = (version: string): number => Number(/([\d.]+) %\s+[\d.]+ %$/.exec(lines.find((l) => l.startsWith(version)) ?? '')?.[1] ?? NaN);
    checks.push([ctr(good.serving) > ctr(from), `online click-through: ${from} ${ctr(from)} % → ${good.serving} ${ctr(good.serving)} %`]);
  } finally {
    for (const line of await cluster.stop()) console.log(line);
  }
  for (const [ok, what] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const passed = checks.every(([ok]) => ok);
  if (passed) await rm(root, { recursive: true, force: true });
  else console.log(`kept for inspection: ${root} (log in run/gateway/interactions, registry.jsonl, bundles)`);
  return passed ? 0 : 1;
}

process.exitCode = await main();
