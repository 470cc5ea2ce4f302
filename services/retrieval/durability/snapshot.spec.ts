import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DlrsError } from '../../../shared/errors/index.js';
import { IndexedStore } from '../store/indexed-store.js';
import { readLatestSnapshot, writeSnapshot } from './snapshot.js';

const INDEX = { connectivity: 8, expansionAdd: 16, expansionSearch: 16, quantization: 'f32', addThreads: 1 } as const;

describe('snapshot checksums', () => {
  let dir: string;
  let written: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-snapshot-'));
    const state = await IndexedStore.create([{ name: 'color', kind: 'categorical' }], { ...INDEX, dim: 2 }, 'v1');
    try {
      await state.upsert([{ id: 'a', features: { color: 'red' } }, { id: 'b', features: { color: 'blue' } }], Float32Array.of(1, 0, 0, 1), Float32Array.of(0.5, -0.5));
      written = (await writeSnapshot(join(dir, 'original'), state, 7)).path;
    } finally {
      await state.close();
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A copy of the written snapshot, alone in a data directory, with `damage` applied to one of its files. */
  async function copyWith(file: string, damage: (bytes: Buffer) => Buffer | string): Promise<string> {
    const dataDir = await mkdtemp(join(dir, 'case-'));
    const copy = join(dataDir, 'snapshot-0000000000000007');
    await cp(written, copy, { recursive: true });
    await writeFile(join(copy, file), damage(await readFile(join(copy, file))));
    return dataDir;
  }

  it('loads an intact snapshot', async () => {
    const dataDir = await copyWith('meta.json', (bytes) => bytes);
    const loaded = await readLatestSnapshot(dataDir, INDEX);
    assert.ok(loaded !== undefined);
    assert.equal(loaded.meta.seq, 7);
    assert.deepEqual([...loaded.state.store.liveSlots()].map((slot) => loaded.state.store.idAt(slot)).sort(), ['a', 'b']);
    await loaded.state.close();
  });

  for (const file of ['meta.json', 'items.jsonl', 'embeddings.f32', 'biases.f32', 'index.usearch']) {
    it(`refuses a flipped byte in ${file}, naming the snapshot`, async () => {
      const dataDir = await copyWith(file, (bytes) => {
        // A digit of meta.json stays valid JSON: only the checksum can tell.
        const at = file === 'meta.json' ? bytes.indexOf('"seq": 7') + 7 : bytes.length - 3;
        bytes[at] = file === 'meta.json' ? 0x38 : bytes[at] ^ 0x01;
        return bytes;
      });
      const damaged: string[] = [];
      await assert.rejects(
        readLatestSnapshot(dataDir, INDEX, { onDamaged: (_path, error) => damaged.push(String((error as Error).message)) }),
        (error: DlrsError) => error.code === 'FAILED_PRECONDITION' && error.message.includes(join(dataDir, 'snapshot-0000000000000007')),
      );
      assert.match(damaged[0], /checksum/);
    });
  }

  it('still loads a snapshot of format 1 (no checksums)', async () => {
    const dataDir = await copyWith('meta.json', (bytes) => {
      const { checksum: _checksum, checksums: _checksums, ...meta } = JSON.parse(bytes.toString()) as Record<string, unknown>;
      return JSON.stringify({ ...meta, formatVersion: 1 });
    });
    const loaded = await readLatestSnapshot(dataDir, INDEX);
    assert.equal(loaded?.state.store.size, 2);
    await loaded?.state.close();
  });
});
