import type { DurableFile } from './durable-fs.js';

/**
 * Writes all of `data` at `position` (appends when omitted), looping over
 * short writes; rejects with the first error, after which an unknown prefix
 * of `data` may be in the file.
 */
export async function writeAll(file: DurableFile, data: Uint8Array, position?: number): Promise<void> {
  let done = 0;
  while (done < data.byteLength) {
    const written = await file.write(data.subarray(done), position === undefined ? undefined : position + done);
    // A write that makes no progress would loop forever; the disk is as good as failed.
    if (written <= 0) throw Object.assign(new Error(`EIO: a write to ${file.path} made no progress`), { code: 'EIO', path: file.path });
    done += written;
  }
}
