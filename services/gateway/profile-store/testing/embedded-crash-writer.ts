// A child process for the kill -9 test of the embedded store: writes batches from several
// concurrent writers forever and prints `ack <user> <event ids…>` once each batch is
// acknowledged. stdout is a pipe, which Node writes synchronously on Linux, so a printed
// ack has left the process before the next one is attempted.
import { EmbeddedProfileStore } from '../embedded-profile-store.js';
import { appendLabels } from './profile-store-conformance.js';
import type { ConformanceEvent, ConformanceProfile } from './profile-store-conformance.js';

const [path, writersArg] = process.argv.slice(2);
const store = await EmbeddedProfileStore.open<ConformanceProfile, ConformanceEvent>({ path, compactionMinBytes: 16 * 1024 });
const writers = Number(writersArg);

async function writer(index: number): Promise<void> {
  for (let batch = 0; ; batch++) {
    const userId = `u${(index + batch) % 5}`;
    const ids = [0, 1, 2].map((j) => `w${index}-b${batch}-${j}`);
    await store.apply(userId, ids.map((id) => ({ eventId: id, label: id })), appendLabels);
    process.stdout.write(`ack ${userId} ${ids.join(' ')}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: writers }, (_, i) => writer(i)));
