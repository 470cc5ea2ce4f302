import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import type { AttributeField } from '../store/attribute-index.js';
import { nodeDurableFs, syncDirectory, writeAll } from '../../../shared/durable-io/index.js';
import type { DurableFile, DurableFs } from '../../../shared/durable-io/index.js';
import { DlrsError } from '../../../shared/errors/index.js';
import type { Item } from '../../../shared/features/index.js';
import { DEFAULT_TURN_BUDGET_MS, IndexedStore } from '../store/indexed-store.js';
import { IndexThread } from '../hnsw/index-thread.js';
import type { ShardIndexOptions } from '../hnsw/index-thread.js';
import type { SearchTuning } from '../search/filtered-search.js';
import { ItemStore } from '../store/item-store.js';
import type { VectorIndexOptions } from '../../../shared/vector-index/index.js';

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
  /** CRC-32 of each data file's content (format 2 on). */
  checksums?: Record<string, number>;
}

/** A snapshot written. */
export interface WrittenSnapshot {
  path: string;
  meta: SnapshotMeta;
  durationMs: number;
}

/** Format 2 added the content checksums; format 1 snapshots (without) still load. */
const FORMAT_VERSION = 2;
const UNCHECKED_FORMAT_VERSION = 1;
const SNAPSHOT_PREFIX = 'snapshot-';
const META_FILE = 'meta.json';
const ITEMS_FILE = 'items.jsonl';
const EMBEDDINGS_FILE = 'embeddings.f32';
const BIASES_FILE = 'biases.f32';
const INDEX_FILE = 'index.usearch';
/** Why 1 MiB: items are written, and the index file checksummed, in pieces this size, so memory stays flat for any catalog. */
const CHUNK_BYTES = 1 << 20;

/** A shard state captured for a snapshot: the index file being written by the index worker, and copies of the store's slot arrays. */
export interface CapturedSnapshot {
  fs: DurableFs;
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
export async function captureSnapshot(dataDir: string, state: IndexedStore, seq: number, fs: DurableFs = nodeDurableFs, turnBudgetMs = DEFAULT_TURN_BUDGET_MS): Promise<CapturedSnapshot> {
  const createdAtMs = Date.now();
  const name = `${SNAPSHOT_PREFIX}${String(seq).padStart(16, '0')}`;
  const tmpPath = join(dataDir, `${name}.tmp-${process.pid}`);
  await fs.rm(tmpPath, { recursive: true, force: true });
  await fs.mkdir(tmpPath, { recursive: true });
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
  return { fs, dataDir, name, tmpPath, indexSaved, slots, items, embeddings, biases, meta };
}

/**
 * Writes a captured snapshot as `<dataDir>/snapshot-<seq>/`: the index file,
 * the items by slot (JSON lines) and the embeddings and biases in slot-list
 * order, all fsynced, and meta.json with a CRC-32 of each file and of itself;
 * the directory appears under its final name only when complete. A failed
 * write leaves no partial snapshot behind.
 */
export async function persistSnapshot(captured: CapturedSnapshot): Promise<WrittenSnapshot> {
  const { fs, dataDir, name, tmpPath } = captured;
  const finalPath = join(dataDir, name);
  try {
    const checksums: Record<string, number> = {};
    checksums[ITEMS_FILE] = await writeItems(fs, join(tmpPath, ITEMS_FILE), captured.slots, captured.items);
    checksums[EMBEDDINGS_FILE] = await writeSynced(fs, join(tmpPath, EMBEDDINGS_FILE), new Uint8Array(captured.embeddings.buffer));
    checksums[BIASES_FILE] = await writeSynced(fs, join(tmpPath, BIASES_FILE), new Uint8Array(captured.biases.buffer));
    await captured.indexSaved;
    checksums[INDEX_FILE] = await syncAndChecksum(fs, join(tmpPath, INDEX_FILE));
    const meta: SnapshotMeta = { ...captured.meta, checksums };
    await writeSynced(fs, join(tmpPath, META_FILE), Buffer.from(JSON.stringify({ ...meta, checksum: crc32(JSON.stringify(meta)) }, null, 2)));
    await syncDirectory(fs, tmpPath);
    await fs.rm(finalPath, { recursive: true, force: true });
    await fs.rename(tmpPath, finalPath);
    await syncDirectory(fs, dataDir);
    return { path: finalPath, meta, durationMs: Date.now() - meta.createdAtMs };
  } catch (error) {
    await captured.indexSaved.catch(() => undefined);
    await fs.rm(tmpPath, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/** {@link captureSnapshot} then {@link persistSnapshot}, for a state no one mutates meanwhile. */
export async function writeSnapshot(dataDir: string, state: IndexedStore, seq: number, fs: DurableFs = nodeDurableFs): Promise<WrittenSnapshot> {
  return persistSnapshot(await captureSnapshot(dataDir, state, seq, fs));
}

/** How {@link readLatestSnapshot} reads. */
export interface ReadSnapshotOptions {
  tuning?: Readonly<SearchTuning>;
  fs?: DurableFs;
  /** Hears of every snapshot skipped because it does not read back intact. */
  onDamaged?: (path: string, error: unknown) => void;
}

/** A snapshot loaded, and the newer ones skipped as damaged (their seqs must come from the log). */
export interface LoadedSnapshot {
  state: IndexedStore;
  meta: SnapshotMeta;
  path: string;
  skipped: { path: string; seq: number }[];
}

/**
 * Opens the newest snapshot in `dataDir` that reads back intact (checksums
 * included; an older one when the newest is damaged, the log being kept back
 * to the oldest snapshot), or returns undefined when there is none. The saved
 * index is loaded when its quantization and connectivity match `index`;
 * otherwise it is rebuilt from the stored embeddings. The dimension is the
 * snapshot's. When none reads back, a FAILED_PRECONDITION names the newest and why.
 */
export async function readLatestSnapshot(dataDir: string, index: Omit<ShardIndexOptions, 'dim'>, options: ReadSnapshotOptions = {}): Promise<LoadedSnapshot | undefined> {
  const fs = options.fs ?? nodeDurableFs;
  const paths = (await listSnapshots(fs, dataDir)).reverse();
  const skipped: LoadedSnapshot['skipped'] = [];
  for (const path of paths) {
    try {
      return { ...(await readSnapshot(fs, path, index, options.tuning)), path, skipped };
    } catch (error) {
      skipped.push({ path, seq: seqOfSnapshot(path) });
      options.onDamaged?.(path, error);
    }
  }
  if (skipped.length > 0) {
    throw new DlrsError('FAILED_PRECONDITION', `no snapshot in ${dataDir} reads back intact (newest: ${skipped[0].path}); restore the data directory from a backup`, { cause: skipped });
  }
  return undefined;
}

async function readSnapshot(fs: DurableFs, path: string, index: Omit<ShardIndexOptions, 'dim'>, tuning?: Readonly<SearchTuning>): Promise<{ state: IndexedStore; meta: SnapshotMeta }> {
  const meta = parseMeta(path, (await fs.readFile(join(path, META_FILE))).toString('utf8'));
  const itemBytes = await fs.readFile(join(path, ITEMS_FILE));
  const embeddingBytes = await fs.readFile(join(path, EMBEDDINGS_FILE));
  const biasBytes = await fs.readFile(join(path, BIASES_FILE));
  if (meta.checksums !== undefined) {
    const actual = { [ITEMS_FILE]: crc32(itemBytes), [EMBEDDINGS_FILE]: crc32(embeddingBytes), [BIASES_FILE]: crc32(biasBytes), [INDEX_FILE]: await checksumOf(fs, join(path, INDEX_FILE)) };
    for (const [file, checksum] of Object.entries(actual)) {
      if (checksum !== meta.checksums[file]) throw new Error(`${join(path, file)}: content checksum ${checksum} is not ${meta.checksums[file]} (meta.json)`);
    }
  }
  const lines = itemBytes.toString('utf8').split('\n').filter((line) => line.length > 0);
  const embeddings = floatsOf(embeddingBytes);
  const biases = floatsOf(biasBytes);
  if (lines.length !== meta.itemCount || embeddings.length !== meta.itemCount * meta.dim || biases.length !== meta.itemCount) {
    throw new Error(`${path}: item, embedding and bias counts disagree with meta.json`);
  }
  const store = new ItemStore(meta.dim, meta.fields, Math.max(1, meta.itemCount));
  lines.forEach((line, i) => {
    const { slot, item } = JSON.parse(line) as { slot: number; item: Item };
    store.restore(slot, item, embeddings, i * meta.dim, biases[i]);
  });
  store.finishRestore();
  const indexOptions: ShardIndexOptions = { ...index, dim: meta.dim };
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
export async function pruneSnapshots(dataDir: string, keep: number, fs: DurableFs = nodeDurableFs): Promise<number> {
  const complete = await listSnapshots(fs, dataDir);
  const doomed = complete.slice(0, Math.max(0, complete.length - keep));
  for (const path of doomed) await fs.rm(path, { recursive: true, force: true });
  for (const name of await fs.readdir(dataDir)) {
    if (name.startsWith(SNAPSHOT_PREFIX) && name.includes('.tmp-')) await fs.rm(join(dataDir, name), { recursive: true, force: true });
  }
  const oldestKept = complete[doomed.length];
  return oldestKept === undefined ? 0 : seqOfSnapshot(oldestKept);
}

/**
 * Renames a damaged snapshot to `<name>.damaged` (kept for inspection, no
 * longer counted among the snapshots kept), once the log has replaced it.
 */
export async function setSnapshotAside(path: string, fs: DurableFs = nodeDurableFs): Promise<string> {
  const aside = `${path}.damaged`;
  await fs.rm(aside, { recursive: true, force: true });
  await fs.rename(path, aside);
  return aside;
}

/** The seq in a snapshot directory's name. */
export function seqOfSnapshot(path: string): number {
  return Number(path.slice(path.lastIndexOf(SNAPSHOT_PREFIX) + SNAPSHOT_PREFIX.length));
}

/** The complete snapshots in `dataDir`, oldest first. */
export async function listSnapshots(fs: DurableFs, dataDir: string): Promise<string[]> {
  const names = (await fs.readdir(dataDir)).filter((name) => name.startsWith(SNAPSHOT_PREFIX) && !name.includes('.'));
  return names.sort().map((name) => join(dataDir, name));
}

/** meta.json parsed, its own checksum checked (format 2) and its format known. */
function parseMeta(path: string, text: string): SnapshotMeta {
  const parsed = JSON.parse(text) as SnapshotMeta & { checksum?: number };
  if (parsed.formatVersion === UNCHECKED_FORMAT_VERSION) return parsed;
  if (parsed.formatVersion !== FORMAT_VERSION) throw new Error(`${path}: snapshot format ${parsed.formatVersion} is not ${FORMAT_VERSION}`);
  const { checksum, ...meta } = parsed;
  if (checksum !== crc32(JSON.stringify(meta)) || meta.checksums === undefined) throw new Error(`${join(path, META_FILE)}: checksum does not match its content`);
  return meta;
}

/** Writes the items as JSON lines in pieces, fsynced; returns the file's CRC-32. */
async function writeItems(fs: DurableFs, path: string, slots: Int32Array, items: Item[]): Promise<number> {
  return withFile(fs, path, 'w', async (file) => {
    let checksum = 0;
    let position = 0;
    let lines: string[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      const chunk = Buffer.from(lines.join(''));
      await writeAll(file, chunk, position);
      position += chunk.length;
      checksum = crc32(chunk, checksum);
      lines = [];
      pendingBytes = 0;
    };
    for (let i = 0; i < items.length; i++) {
      const line = `${JSON.stringify({ slot: slots[i], item: items[i] })}\n`;
      lines.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    await file.sync();
    return checksum;
  });
}

/** Writes `data` as the whole file, fsynced; returns its CRC-32. */
async function writeSynced(fs: DurableFs, path: string, data: Uint8Array): Promise<number> {
  return withFile(fs, path, 'w', async (file) => {
    await writeAll(file, data, 0);
    await file.sync();
    return crc32(data);
  });
}

/** fsyncs a file written by another thread and returns its CRC-32. */
async function syncAndChecksum(fs: DurableFs, path: string): Promise<number> {
  return withFile(fs, path, 'r+', async (file) => {
    await file.sync();
    return checksumFile(file);
  });
}

async function checksumOf(fs: DurableFs, path: string): Promise<number> {
  return withFile(fs, path, 'r', checksumFile);
}

async function checksumFile(file: DurableFile): Promise<number> {
  const chunk = Buffer.alloc(CHUNK_BYTES);
  let checksum = 0;
  for (let position = 0; ; ) {
    const read = await file.read(chunk, position);
    if (read === 0) return checksum;
    checksum = crc32(chunk.subarray(0, read), checksum);
    position += read;
  }
}

async function withFile<T>(fs: DurableFs, path: string, flags: 'r' | 'r+' | 'w', use: (file: DurableFile) => Promise<T>): Promise<T> {
  const file = await fs.open(path, flags);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

function floatsOf(bytes: Buffer): Float32Array {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}
