// The closed loop on the demo topology: traffic through the gateway, retrain from its log, rollout, a failing rollout rolled back under load, online metrics.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { callUnary } from '../../shared/grpc/index.js';
import { startCluster } from '../../bin/demo/demo-cluster.js';
import { recommend, recommenderClient, recordHistories } from '../../bin/demo/recommender-calls.js';
import { rollOutBundle } from '../../bin/rollout/roll-out-bundle.js';
import { loadDataset } from '../../services/trainer/datasets/index.js';
import { runOnlineReport } from '../../services/trainer/online-report-command.js';
import { runRetrain } from '../../services/trainer/retrain-command.js';
import { runTrain } from '../../services/trainer/train-command.js';

const USERS = 40;
const LOAD_INTERVAL_MS = 20;

async function main(): Promise<number> {
  const root = await mkdtemp(join(tmpdir(), 'dlrs-retrain-drill-'));
  const checks: [boolean, string][] = [];
  const train = (out: string, seed: number): Promise<number> => runTrain(['--data', 'synthetic:tiny', '--out', out, '--epochs', '2', '--dim', '16', '--seed', String(seed), '--workers', '1']);
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
    // Background load: every call must succeed through both rollouts.
    let calls = 0;
    let failures = 0;
    let running = true;
    const load = (async () => {
      while (running) {
        const user = users[calls % users.length];
        calls++;
        try {
          const answer = await recommend(client, { userId: user.userId, k: 10 });
          // A user clicks the first item now and then: the online metric's events.
          if (calls % 3 === 0 && answer.items.length > 0) {
            const interaction = { itemId: answer.items[0].itemId, eventType: 'click', timestampMs: Date.now(), eventId: `drill-click-${calls}` };
            await callUnary((md, o, cb) => client.RecordInteractions({ events: [{ userId: user.userId, interaction }] }, md, o, cb), { deadline: Date.now() + 5000 });
          }
        } catch {
          failures++;
        }
        await new Promise((resolve) => setTimeout(resolve, LOAD_INTERVAL_MS));
      }
    })();
    const targets = {
      ranking: cluster.services.find((s) => s.process.name === 'ranking')?.address ?? '',
      retrieval: cluster.services.filter((s) => s.process.name.startsWith('retrieval')).map((s) => s.address),
      gateway: cluster.gateway.address,
      internalToken: (await readFile(join(runDir, 'internal-token'), 'utf8')).trim(),
      apiToken: cluster.apiToken,
    };
    const log = (line: string): void => console.log(`  ${line}`);
    const probeUsers = users.slice(0, 5).map((u) => u.userId);
    const good = await rollOutBundle(b, targets, { probeUsers, loadDeadlineMs: 120_000, settleMs: 30_000, log });
    checks.push([good.ok, `rollout of b: ${good.ok ? 'ok' : good.problem}`]);
    // A probe that cannot pass (a user with no history gets the popularity fallback): the rollout of a rolls back to b.
    const bad = await rollOutBundle(a, targets, { probeUsers: ['drill-no-such-user'], loadDeadlineMs: 120_000, settleMs: 3000, log });
    checks.push([!bad.ok && bad.serving === good.serving, `failing probe: rolled back to ${bad.serving} (${bad.problem ?? 'no problem'})`]);
    running = false;
    await load;
    checks.push([failures === 0, `${failures} of ${calls} calls failed during both rollouts`]);
    client.close();
    const logDir = join(runDir, 'gateway', 'interactions');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const code = await runRetrain(['--log', logDir, '--serving', b, '--out', join(root, 'c'), '--registry', join(root, 'registry.jsonl'), '--epochs', '2', '--workers', '1']);
    checks.push([code === 0 || code === 3, `retrain exit code ${code}`]);
    console.log(await readFile(join(root, 'registry.jsonl'), 'utf8'));
    await runOnlineReport(['--log', logDir, '--window-ms', '60000']);
  } finally {
    for (const line of await cluster.stop()) console.log(line);
  }
  for (const [ok, what] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await rm(root, { recursive: true, force: true });
  return checks.every(([ok]) => ok) ? 0 : 1;
}

process.exitCode = await main();
