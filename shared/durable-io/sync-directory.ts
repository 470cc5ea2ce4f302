import type { DurableFs } from './durable-fs.js';

/** Makes a created, renamed or deleted directory entry durable (fsync of the directory). */
export async function syncDirectory(fs: DurableFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
