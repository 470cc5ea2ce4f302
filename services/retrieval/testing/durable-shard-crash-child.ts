// A shard process for durable-shard.spec.ts: applies JSON-line commands from stdin
// concurrently and prints "ack <n>" once command n is acknowledged, so the spec can
// kill it with SIGKILL right after acknowledged writes.
import { createInterface } from 'node:readline';
import { createLogger } from '../../../shared/logging/index.js';
import type { Item } from '../../../shared/features/index.js';
import { DurableShard } from '../durability/durable-shard.js';
import type { EmbeddedItems } from '../../../shared/item-net/index.js';

const DIM = 4;
const MODEL_VERSION = 'crash-v1';

function seedEmbedding(items: readonly Item[]): Promise<EmbeddedItems> {
  return Promise.resolve({ embeddings: new Float32Array(items.length * DIM).fill(1), biases: new Float32Array(items.length) });
}

type Command = { op: 'upsert'; items: { id: string; embedding: number[] }[] } | { op: 'delete'; ids: string[] } | { op: 'snapshot' } | { op: 'dump' };

async function main(dataDir: string): Promise<void> {
  const shard = await DurableShard.open(
    {
      dataDir,
      index: { connectivity: 8, expansionAdd: 32, expansionSearch: 32, quantization: 'f32', addThreads: 1 },
      snapshotAfterRecords: 1_000_000,
      snapshotsKept: 2,
      logger: createLogger({ level: 'silent' }),
    },
    { modelVersion: MODEL_VERSION, dim: DIM, fields: [{ name: 'color', kind: 'categorical' }], initialItems: () => Promise.resolve([{ id: 'seed', features: { color: 'red' } }]), bundleItems: () => Promise.resolve([{ id: 'seed', features: { color: 'red' } }]), embed: seedEmbedding },
  );
  process.stdout.write('ready\n');
  let n = 0;
  for await (const line of createInterface({ input: process.stdin })) {
    const index = n++;
    const command = JSON.parse(line) as Command;
    const done = (): boolean => process.stdout.write(`ack ${index}\n`);
    if (command.op === 'upsert') {
      const items = command.items.map(({ id }) => ({ id, features: { color: 'blue' } }));
      const embedded = { embeddings: Float32Array.from(command.items.flatMap((item) => item.embedding)), biases: new Float32Array(items.length) };
      void shard.upsert(items, embedded, MODEL_VERSION).then(done);
    } else if (command.op === 'delete') {
      void shard.delete(command.ids).then(done);
    } else if (command.op === 'snapshot') {
      void shard.snapshot().then(done);
    } else {
      const store = shard.state.store;
      const items = [...store.liveSlots()].map((slot) => ({ id: store.idAt(slot), embedding: Array.from(store.embeddingAt(slot)) }));
      process.stdout.write(`dump ${JSON.stringify({ items, indexed: shard.state.index.size })}\n`);
    }
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
