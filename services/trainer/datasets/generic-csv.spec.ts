import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogItem } from '../../../shared/features/index.js';
import { readGenericCsv } from './generic-csv.js';
import type { GenericCsvPaths } from './generic-csv.js';

const SCHEMA = {
  id: 'sku',
  title: 'name',
  features: [
    { name: 'brand', column: 'brand', kind: 'categorical' },
    { name: 'colours', column: 'colours', kind: 'multi', separator: ';' },
    { name: 'price', column: 'price', kind: 'continuous' },
  ],
};

describe('readGenericCsv', () => {
  let dir = '';
  let count = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-csv-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function layout(items: string, interactions: string, schema: unknown = SCHEMA): Promise<GenericCsvPaths> {
    count++;
    const paths = { items: join(dir, `items${count}.csv`), interactions: join(dir, `events${count}.csv`), schema: join(dir, `schema${count}.json`) };
    await writeFile(paths.items, items);
    await writeFile(paths.interactions, interactions);
    await writeFile(paths.schema, JSON.stringify(schema));
    return paths;
  }

  it('reads items by the schema (quoted fields, separators, missing values) and interactions by header name', async () => {
    const paths = await layout(
      'sku,name,price,brand,colours\nA1,"Chair, oak",49.5,Acme,red;blue\nB2,Lamp,,,\n',
      'item,user,timestamp,event,weight\nA1,ann,1700000000000,view,\nB2,bob,2024-01-02T03:04:05Z,purchase,2.5\nA1,ann,1700000000500,,\n',
    );
    const dataset = await readGenericCsv(paths);
    assert.deepEqual(catalogItem(dataset.items, 0), { id: 'A1', title: 'Chair, oak', features: { brand: 'Acme', colours: ['red', 'blue'], price: 49.5 } });
    assert.deepEqual(catalogItem(dataset.items, 1), { id: 'B2', title: 'Lamp', features: { colours: [] } });
    const { interactions } = dataset;
    assert.deepEqual(interactions.userIds, ['ann', 'bob']);
    assert.deepEqual([...interactions.item], [0, 1, 0]);
    assert.deepEqual([...interactions.timestamp], [1700000000000, Date.UTC(2024, 0, 2, 3, 4, 5), 1700000000500]);
    assert.deepEqual([...interactions.eventType].map((t) => interactions.eventTypes[t]), ['view', 'purchase', 'interaction']);
    assert.deepEqual([...interactions.weight], [NaN, 2.5, NaN]);
  });

  it('reads numeric timestamps in seconds when the schema says so', async () => {
    const paths = await layout('sku,name,price,brand,colours\nA1,x,1,a,b\n', 'user,item,timestamp\nann,A1,1700000000\n', { ...SCHEMA, timestampUnit: 's' });
    assert.deepEqual([...(await readGenericCsv(paths)).interactions.timestamp], [1700000000000]);
  });

  it('fails on a malformed row naming file, line and problem, or counts it with skipBadRows', async () => {
    const paths = await layout(
      'sku,name,price,brand,colours\nA1,x,cheap,a,b\nA2,y,3,a,b\n',
      'user,item,timestamp\nann,A2,5\nann,A1,6\nbob,A2,yesterday-ish\nbob,A2\n',
    );
    await assert.rejects(readGenericCsv(paths), { message: `${paths.items}:2: feature 'price' (column 'price'): 'cheap' is not a number` });
    const dataset = await readGenericCsv(paths, { skipBadRows: true });
    assert.equal(dataset.skippedRows, 4);
    assert.equal(dataset.interactions.user.length, 1);
    assert.deepEqual(dataset.skippedRowMessages.slice(1), [
      `${paths.interactions}:3: unknown item 'A1' (not in ${paths.items})`,
      `${paths.interactions}:4: timestamp 'yesterday-ish' is neither a number nor an ISO 8601 date`,
      `${paths.interactions}:5: expected 3 fields, got 2`,
    ]);
  });

  it('names the missing header column and the bad schema field', async () => {
    await assert.rejects(readGenericCsv(await layout('sku,name,price,brand,colours\n', 'user,timestamp\n')), /lacks the column\(s\) item/);
    await assert.rejects(readGenericCsv(await layout('sku,name,brand,colours\n', 'user,item,timestamp\n')), /items\d+\.csv:1: the header has no column 'price' \(features\[2\]\.column in the schema\)/);
    const badKind = { ...SCHEMA, features: [{ name: 'x', column: 'x', kind: 'ordinal' }] };
    await assert.rejects(readGenericCsv(await layout('sku\n', 'user,item,timestamp\n', badKind)), /schema\d+\.json: features\[0\]\.kind: expected/);
  });
});
