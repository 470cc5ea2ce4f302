// The 1M-item bundle of `make bench-scale`, made cheaply and kept: the synthetic generator's
// catalog at full size but few users and interactions (model quality does not matter here,
// the catalog's size does), written as the generic CSV layout and trained for one epoch by
// `dlrs train`. A bundle already in place is reused.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { catalogItem } from '../../shared/features/index.js';
import { generateSynthetic } from '../../services/trainer/datasets/index.js';
import type { SyntheticSize } from '../../services/trainer/datasets/index.js';

/** A million items, the catalog size the benchmark is about; few users so that one epoch and its validation take minutes. */
export const SCALE_DATA_SHAPE: SyntheticSize = Object.freeze({ users: 2_000, items: 1_000_000, interactions: 60_000, clusters: 200 });
/** The embedding width of the benchmark: wider than the demo's, as a production catalog would use. */
export const SCALE_DIM = 64;

const DLRS_BIN = fileURLToPath(new URL('../../bin/dlrs.js', import.meta.url));
/** Rows per progress line while the CSV files are written. */
const PROGRESS_EVERY_ROWS = 200_000;

/** Returns `dir/bundle` (`dir/bundle-<items>` for a smaller catalog), training it first when it is not there yet (minutes; progress on stderr). */
export async function ensureScaleBundle(dir: string, log: (line: string) => void, items = SCALE_DATA_SHAPE.items): Promise<string> {
  const bundleDir = join(dir, items === SCALE_DATA_SHAPE.items ? 'bundle' : `bundle-${items}`);
  if (await exists(join(bundleDir, 'manifest.json'))) return bundleDir;
  const dataDir = join(dir, 'csv');
  const shape = { ...SCALE_DATA_SHAPE, items };
  await mkdir(dataDir, { recursive: true });
  const startedMs = Date.now();
  log(`scale bundle: generating ${shape.items} items, ${shape.users} users, ~${shape.interactions} interactions`);
  const dataset = generateSynthetic(shape);
  const paths = { items: join(dataDir, 'items.csv'), interactions: join(dataDir, 'interactions.csv'), schema: join(dataDir, 'schema.json') };
  await writeFile(
    paths.schema,
    JSON.stringify({
      id: 'id',
      title: 'title',
      features: [
        { name: 'category', column: 'category', kind: 'categorical' },
        { name: 'tags', column: 'tags', kind: 'multi' },
        { name: 'price', column: 'price', kind: 'continuous' },
        { name: 'year', column: 'year', kind: 'continuous' },
      ],
    }),
  );
  await writeLines(paths.items, 'id,title,category,tags,price,year', dataset.items.ids.length, (row) => {
    const item = catalogItem(dataset.items, row);
    const f = item.features;
    const tags = Array.isArray(f.tags) ? f.tags.join('|') : '';
    return `${item.id},${item.title ?? ''},${String(f.category)},${tags},${String(f.price)},${String(f.year)}`;
  }, (n) => log(`scale bundle: ${n} item rows written`));
  const { interactions } = dataset;
  await writeLines(paths.interactions, 'user,item,timestamp,event', interactions.user.length, (row) =>
    `${interactions.userIds[interactions.user[row]]},${dataset.items.ids[interactions.item[row]]},${interactions.timestamp[row]},${interactions.eventTypes[interactions.eventType[row]]}`,
  );
  log(`scale bundle: CSV written in ${((Date.now() - startedMs) / 1000).toFixed(0)} s; training one epoch (dim ${SCALE_DIM}) with dlrs train`);
  const code = await runInherited(process.execPath, [DLRS_BIN, 'train', '--data', `csv:${paths.items},${paths.interactions},${paths.schema}`, '--out', bundleDir, '--dim', String(SCALE_DIM), '--epochs', '1', '--seed', '1']);
  if (code !== 0) throw new Error(`dlrs train exited with ${code}`);
  await rm(dataDir, { recursive: true, force: true });
  log(`scale bundle: ready in ${((Date.now() - startedMs) / 1000).toFixed(0)} s at ${bundleDir}`);
  return bundleDir;
}

async function writeLines(path: string, header: string, rows: number, line: (row: number) => string, progress?: (rows: number) => void): Promise<void> {
  const out = createWriteStream(path);
  out.write(`${header}\n`);
  for (let row = 0; row < rows; row++) {
    if (!out.write(`${line(row)}\n`)) await once(out, 'drain');
    if (progress !== undefined && (row + 1) % PROGRESS_EVERY_ROWS === 0) progress(row + 1);
  }
  out.end();
  await once(out, 'finish');
}

function runInherited(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
