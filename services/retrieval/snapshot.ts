import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AttributeField } from './attribute-index.js';
import type { Item } from '../../shared/features/index.js';
import { DEFAULT_TURN_BUDGET_MS, IndexedStore } from './indexed-store.js';
import { IndexThread } from './index-thread.js';
import type { SearchTuning } from './filtered-search.js';
import { ItemStore } from './item-store.js';
import type { VectorIndexOptions } from '../../shared/vector-index/index.js';
import { syncDirectory } from './write-ahead-log.js';

/** What a snapshot's meta.json records. */
export interface SnapshotMeta {
  formatVersion: number;
  /** The last log record the snapshot contains. */
  seq: number;
  modelVersion: string;
  dim: number;
  fields: AttributeField[];
  index: Omit<VectorIndexOptions, 'addThreads'>;
  itemCount: number;
  createdAtMs: number;
}

/** A snapshot written. */
export interface WrittenSnapshot {
  path: string;
  meta: SnapshotMeta;
  durationMs: number;
}

const FORMAT_VERSION = 1;
const SNAPSHOT_PREFIX = 'snapshot-';
const META_FILE = 'meta.json';
const ITEMS_FILE = 'items.jsonl';
const EMBEDDINGS_FILE = 'embeddings.f32';
const BIASES_FILE = 'biases.f32';
const INDEX_FILE = 'index.usearch';

/** A shard state captured for a snapshot: the index file being written by the index worker, and copies of the store's slot arrays. */
export interface CapturedSnapshot {
  dataDir: string;
  name: string;
  tmpPath: string;
  indexSaved: Promise<void>;
  slots: Int32Array;
  items: Item[];
  embeddings: Float32Array;
  biases: Float32Array;
  meta: SnapshotMeta;
}

/**
 * Captures the shard state as a snapshot containing the log up to `seq`:
 * asks the index worker to save the index into a temp directory and copies
 * the store's live slots, items, embeddings and biases in turns of
 * `turnBudgetMs`. The caller keeps mutations out until this resolves, so the
 * index file and the copies show the same state; searches go on meanwhile.
 */
export async function captureSnapshot(dataDir: string, state: IndexedStore, seq: number, turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<CapturedSnapshot> {
  const createdAtMs = Date.now();
  const name = `${SNAPSHOT_PREFIX}${String(seq).padStart(16, '0')}`;
  const tmpPath = join(dataDir, `${name}.tmp-${process.pid}`);
  await rm(tmpPath, { recursive: true, force: true });
  await mkdir(tmpPath, { recursive: true });
  const { store, index } = state;
  const indexSaved = index.save(join(tmpPath, INDEX_FILE));
  indexSaved.catch(() => undefined);
  const slots = new Int32Array(store.size);
  const items = new Array<Item>(store.size);
  const embeddings = new Float32Array(store.size * store.dim);
  const biases = new Float32Array(store.size);
  let turnStarted = performance.now();
  let i = 0;
  for (let slot = 0; slot < store.slotLimit; slot++) {
    if ((slot & 1023) === 0 && performance.now() - turnStarted >= turnBudgetMs) {
      await nextTurn();
      turnStarted = performance.now();
    }
    if (!store.isLive(slot)) continue;
    slots[i] = slot;
    items[i] = store.itemAt(slot) as Item;
    embeddings.set(store.embeddingAt(slot), i * store.dim);
    biases[i] = store.biasAt(slot);
    i++;
  }
  const meta: SnapshotMeta = {
    formatVersion: FORMAT_VERSION,
    seq,
    modelVersion: state.modelVersion,
    dim: store.dim,
    fields: [...store.attributes.fields],
    index: { dim: index.options.dim, connectivity: index.options.connectivity, expansionAdd: index.options.expansionAdd, expansionSearch: index.options.expansionSearch, quantization: index.options.quantization },
    itemCount: slots.length,
    createdAtMs,
  };
  return { dataDir, name, tmpPath, indexSaved, slots, items, embeddings, biases, meta };
}

/**
 * Writes a captured snapshot as `<dataDir>/snapshot-<seq>/`: the index file,
 * the items by slot (JSON lines) and the embeddings and biases in slot-list
 * order, all fsynced; the directory appears under its final name only when complete.
 */
export async function persistSnapshot(captured: CapturedSnapshot): Promise<WrittenSnapshot> {
  const { dataDir, name, tmpPath, meta } = captured;
  const finalPath = join(dataDir, name);
  await writeItems(join(tmpPath, ITEMS_FILE), captured.slots, captured.items);
  await writeFile(join(tmpPath, EMBEDDINGS_FILE), new Uint8Array(captured.embeddings.buffer));
  await writeFile(join(tmpPath, BIASES_FILE), new Uint8Array(captured.biases.buffer));
  await writeFile(join(tmpPath, META_FILE), JSON.stringify(meta, null, 2));
  await captured.indexSaved;
  for (const file of [INDEX_FILE, ITEMS_FILE, EMBEDDINGS_FILE, BIASES_FILE, META_FILE]) await syncFile(join(tmpPath, file));
  await syncDirectory(tmpPath);
  await rm(finalPath, { recursive: true, force: true });
  await rename(tmpPath, finalPath);
  await syncDirectory(dataDir);
  return { path: finalPath, meta, durationMs: Date.now() - meta.createdAtMs };
}

/** {@link captureSnapshot} then {@link persistSnapshot}, for a state no one mutates meanwhile. */
export async function writeSnapshot(dataDir: string, state: IndexedStore, seq: number): Promise<WrittenSnapshot> {
  return persistSnapshot(await captureSnapshot(dataDir, state, seq));
}

/**
 * Opens the newest snapshot in `dataDir` that reads back intact (an older one
 * when the newest is damaged; the log is kept back to the oldest snapshot),
 * or returns undefined when there is none. The saved index is loaded when its
 * quantization and connectivity match `index`; otherwise it is rebuilt from
 * the stored embeddings. The dimension is the snapshot's. `onDamaged` hears
 * of every snapshot skipped; when none reads back, the newest one's error is thrown.
 */
export async function readLatestSnapshot(
  dataDir: string,
  index: Omit<VectorIndexOptions, 'dim'>,
  tuning?: Readonly<SearchTuning>,
  onDamaged: (path: string, error: unknown) => void = () => undefined,
): Promise<{ state: IndexedStore; meta: SnapshotMeta } | undefined> {
  const paths = (await listSnapshots(dataDir)).reverse();
  let newestError: unknown;
  for (const path of paths) {
    try {
      return await readSnapshot(path, index, tuning);
    } catch (error) {
      newestError ??= error;
      onDamaged(path, error);
    }
  }
  if (newestError !== undefined) throw newestError;
  return undefined;
}

async function readSnapshot(path: string, index: Omit<VectorIndexOptions, 'dim'>, tuning?: Readonly<SearchTuning>): Promise<{ state: IndexedStore; meta: SnapshotMeta }> {
  const meta = JSON.parse(await readFile(join(path, META_FILE), 'utf8')) as SnapshotMeta;
  if (meta.formatVersion !== FORMAT_VERSION) throw new Error(`${path}: snapshot format ${meta.formatVersion} is not ${FORMAT_VERSION}`);
  const lines = (await readFile(join(path, ITEMS_FILE), 'utf8')).split('\n').filter((line) => line.length > 0);
  const embeddings = floatsOf(await readFile(join(path, EMBEDDINGS_FILE)));
  const biases = floatsOf(await readFile(join(path, BIASES_FILE)));
  if (lines.length !== meta.itemCount || embeddings.length !== meta.itemCount * meta.dim || biases.length !== meta.itemCount) {
    throw new Error(`${path}: item, embedding and bias counts disagree with meta.json`);
  }
  const store = new ItemStore(meta.dim, meta.fields, Math.max(1, meta.itemCount));
  lines.forEach((line, i) => {
    const { slot, item } = JSON.parse(line) as { slot: number; item: Item };
    store.restore(slot, item, embeddings, i * meta.dim, biases[i]);
  });
  store.finishRestore();
  const indexOptions: VectorIndexOptions = { ...index, dim: meta.dim };
  const sameLayout = meta.index.quantization === index.quantization && meta.index.connectivity === index.connectivity;
  if (sameLayout) {
    const loaded = await IndexThread.open(indexOptions, join(path, INDEX_FILE));
    if (loaded.size !== meta.itemCount) {
      await loaded.close();
      throw new Error(`${path}: the index holds ${loaded.size} vectors, meta.json says ${meta.itemCount}`);
    }
    return { state: new IndexedStore(store, loaded, meta.modelVersion, tuning), meta };
  }
  const state = new IndexedStore(store, await IndexThread.open(indexOptions), meta.modelVersion, tuning);
  await state.indexAll();
  return { state, meta };
}

/**
 * Deletes all snapshots but the newest `keep`, and leftovers of interrupted
 * writes; returns the seq of the oldest snapshot kept (the log must reach back to it).
 */
export async function pruneSnapshots(dataDir: string, keep: number): Promise<number> {
  const complete = await listSnapshots(dataDir);
  const doomed = complete.slice(0, Math.max(0, complete.length - keep));
  for (const path of doomed) await rm(path, { recursive: true, force: true });
  for (const name of await readdir(dataDir)) {
    if (name.startsWith(SNAPSHOT_PREFIX) && name.includes('.tmp-')) await rm(join(dataDir, name), { recursive: true, force: true });
  }
  const oldestKept = complete[doomed.length];
  return oldestKept === undefined ? 0 : Number(oldestKept.slice(oldestKept.lastIndexOf(SNAPSHOT_PREFIX) + SNAPSHOT_PREFIX.length));
}

async function listSnapshots(dataDir: string): Promise<string[]> {
  const names = (await readdir(dataDir)).filter((name) => name.startsWith(SNAPSHOT_PREFIX) && !name.includes('.'));
  return names.sort().map((name) => join(dataDir, name));
}

async function writeItems(path: string, slots: Int32Array, items: Item[]): Promise<void> {
  const stream = createWriteStream(path);
  for (let i = 0; i < items.length; i++) {
    if (!stream.write(`${JSON.stringify({ slot: slots[i], item: items[i] })}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function floatsOf(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
