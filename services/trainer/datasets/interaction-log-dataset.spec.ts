import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle } from '../../../shared/bundle/index.js';
import { buildFeatureSpec, catalogItem, columnValue } from '../../../shared/features/index.js';
import { InteractionLogWriter } from '../../../shared/interaction-log/index.js';
import type { InteractionLogRecord } from '../../../shared/interaction-log/index.js';
import type { Dataset } from './dataset.js';
import { loadDataset } from './load-dataset.js';

/** Every event as "user item timestamp eventType weight", sorted: equal datasets give equal lists. */
function eventList(d: Dataset): string[] {
  const i = d.interactions;
  return Array.from(i.user, (u, k) => `${i.userIds[u]} ${d.items.ids[i.item[k]]} ${i.timestamp[k]} ${i.eventTypes[i.eventType[k]]} ${i.weight[k]}`).sort();
}

/** Writes records through the gateway's writer, alternating two writers as two replicas would. */
async function writeLog(dir: string, records: readonly InteractionLogRecord[]): Promise<void> {
  const writers = await Promise.all(['gw-a', 'gw-b'].map((writerId) => InteractionLogWriter.open({ dir, writerId })));
  records.forEach((record, k) => assert.ok(writers[k % 2].append(record)));
  await Promise.all(writers.map((w) => w.close()));
}

describe('log:DIR data (the gateway interaction log)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dlrs-log-data-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads the logged interactions with the items of a bundle, and ignores impressions', async () => {
    const source = await loadDataset('synthetic:tiny');
    const bundle = join(root, 'bundle');
    await writeBundle(bundle, {
      userNet: new Uint8Array([1]),
      itemNet: new Uint8Array([2]),
      rankNet: new Uint8Array([3]),
      items: source.items.ids.map((_, r) => catalogItem(source.items, r)),
      manifest: {
        dataset: 'synthetic:tiny',
        featureSpec: buildFeatureSpec(source.items, source.interactions.item),
        dim: 8,
        metric: 'ip',
        bagLength: 20,
        onnxOpset: 17,
        training: {},
        metrics: {},
      },
    });
    const i = source.interactions;
    const records: InteractionLogRecord[] = [];
    for (let k = 0; k < i.user.length; k++) {
      const weight = i.weight[k];
      records.push({
        type: 'interaction',
        userId: i.userIds[i.user[k]],
        itemId: source.items.ids[i.item[k]],
        eventType: i.eventTypes[i.eventType[k]],
        timestamp: i.timestamp[k],
        ...(Number.isNaN(weight) ? {} : { weight }),
      });
      if (k % 100 === 0) records.push({ type: 'impression', userId: i.userIds[i.user[k]], items: ['x'], scores: [1], modelVersion: 'm', timestamp: i.timestamp[k] });
    }
    const log = join(root, 'log');
    await writeLog(log, records);

    const fromLog = await loadDataset(`log:${log}`, { items: bundle });
    assert.equal(fromLog.interactions.user.length, i.user.length, 'one event per interaction record, none per impression');
    assert.deepEqual(eventList(fromLog), eventList(source));
    assert.deepEqual(fromLog.items.ids, source.items.ids);
    for (const [name, column] of source.items.features) {
      const read = fromLog.items.features.get(name);
      assert.ok(read !== undefined, `feature ${name}`);
      for (let r = 0; r < source.items.ids.length; r += 17) assert.deepEqual(columnValue(read, r), columnValue(column, r), `${name} of row ${r}`);
    }
    assert.deepEqual(eventList(await loadDataset(`log:${log}`, { items: `bundle:${bundle}` })), eventList(source), 'bundle:DIR names the same');
  });

  describe('with a csv items source', () => {
    async function setUp(itemIds: string[]): Promise<{ log: string; items: string }> {
      await writeFile(join(root, 'items.csv'), 'id,genres,year\nm1,Drama|War,1990\nm2,Comedy,2001\n');
      await writeFile(
        join(root, 'schema.json'),
        JSON.stringify({ id: 'id', features: [{ name: 'genres', column: 'genres', kind: 'multi', separator: '|' }, { name: 'year', column: 'year', kind: 'continuous' }] }),
      );
      const log = join(root, 'log');
      await writeLog(
        log,
        itemIds.map((itemId, k) => ({ type: 'interaction', userId: `u${k % 2}`, itemId, eventType: 'click', timestamp: 1_000 + k })),
      );
      return { log, items: `csv:${join(root, 'items.csv')},${join(root, 'schema.json')}` };
    }

    it('takes the item features from the csv file', async () => {
      const { log, items } = await setUp(['m1', 'm2', 'm1']);
      const d = await loadDataset(`log:${log}`, { items });
      assert.equal(d.interactions.user.length, 3);
      assert.deepEqual(columnValue(d.items.features.get('genres')!, 0), ['Drama', 'War']);
      assert.equal(columnValue(d.items.features.get('year')!, 1), 2001);
      assert.deepEqual(d.interactions.eventTypes, ['click']);
    });

    it('fails on an event whose item the source lacks, naming it; --skip-bad-rows counts it instead', async () => {
      const { log, items } = await setUp(['m1', 'gone', 'm2']);
      await assert.rejects(loadDataset(`log:${log}`, { items }), /unknown item 'gone'/);
      const d = await loadDataset(`log:${log}`, { items, skipBadRows: true });
      assert.equal(d.interactions.user.length, 2);
      assert.equal(d.skippedRows, 1);
      assert.match(d.skippedRowMessages[0], /unknown item 'gone'/);
    });

    it('applies the catalog changes the gateway logged: new items get rows, replaced ones their new features, deleted ones leave', async () => {
      const { items } = await setUp([]);
      const log = join(root, 'changes');
      await writeLog(log, [
        { type: 'interaction', userId: 'u0', itemId: 'm1', eventType: 'click', timestamp: 1 },
        { type: 'item-upsert', itemId: 'm3', title: 'Three', features: { genres: ['Comedy'], year: 2020, unknown: 'x' }, timestamp: 2 },
        { type: 'item-upsert', itemId: 'm2', features: { genres: ['Drama'], year: 2005 }, timestamp: 3 },
        { type: 'item-delete', itemId: 'm1', timestamp: 4 },
        { type: 'interaction', userId: 'u1', itemId: 'm3', eventType: 'click', timestamp: 5 },
        // Written later by another replica but older: the newest change of m4 is its upsert.
        { type: 'item-upsert', itemId: 'm4', features: { genres: ['War'] }, timestamp: 7 },
        { type: 'item-delete', itemId: 'm4', timestamp: 6 },
        { type: 'interaction', userId: 'u1', itemId: 'm2', eventType: 'click', timestamp: 8 },
      ]);
      await assert.rejects(loadDataset(`log:${log}`, { items }), /unknown item 'm1'.*deleted since/);
      const d = await loadDataset(`log:${log}`, { items, skipBadRows: true });
      assert.deepEqual(d.items.ids, ['m2', 'm3', 'm4']);
      assert.deepEqual(catalogItem(d.items, 0), { id: 'm2', features: { genres: ['Drama'], year: 2005 } });
      assert.deepEqual(catalogItem(d.items, 1), { id: 'm3', title: 'Three', features: { genres: ['Comedy'], year: 2020 } }, 'a feature the catalog has no column for is not kept');
      assert.deepEqual(eventList(d), ['u1 m2 8 click NaN', 'u1 m3 5 click NaN']);
      assert.equal(d.skippedRows, 1, 'the event on the deleted item');
    });

    it('fails naming a log directory that does not exist', async () => {
      const { items } = await setUp([]);
      await assert.rejects(loadDataset(`log:${join(root, 'absent')}`, { items }), /interaction log .*absent: no such directory/);
    });
  });

  it('needs an items source', async () => {
    await assert.rejects(loadDataset(`log:${root}`), /--items/);
  });
});
