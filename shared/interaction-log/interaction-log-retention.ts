import { join } from 'node:path';
import type { DurableFs } from '../durable-io/index.js';
import { parseInteractionLogFileName } from './interaction-log-file-name.js';

/** What the log keeps; 0 turns a bound off. */
export interface InteractionLogRetention {
  /** Files last written longer ago than this are deleted. */
  retentionMs: number;
  /** While all files together are larger, the oldest are deleted. */
  maxTotalBytes: number;
}

/** What one pass deleted. */
export interface RetentionResult {
  deletedFiles: number;
  deletedBytes: number;
  /** Files and bytes left. */
  keptFiles: number;
  keptBytes: number;
}

/**
 * A month of events covers what a retrain reads and ten popularity half-lives (the seed);
 * older data belongs in an archive copied off the gateway, not on its volume.
 */
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * 2 GiB is about 10 million events (~200 bytes a line): a month of a busy gateway, and what
 * a 3 GiB volume holds beside one file per writer still growing.
 */
export const DEFAULT_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Deletes the log files of `dir` beyond the retention: first those last written more than
 * `retentionMs` ago, then the oldest (by start time) while the rest exceed `maxTotalBytes`.
 * The newest file of each writer may still be written (another replica's current file) and
 * is deleted only by age; `keep` names files never deleted (this writer's current file).
 */
export async function applyInteractionLogRetention(
  fs: DurableFs,
  dir: string,
  retention: InteractionLogRetention,
  options: { nowMs: number; keep?: ReadonlySet<string> },
): Promise<RetentionResult> {
  const names = (await fs.readdir(dir)).filter((name) => parseInteractionLogFileName(name) !== undefined).sort();
  const newestOfWriter = new Map<string, string>();
  for (const name of names) newestOfWriter.set(parseInteractionLogFileName(name)?.writerId ?? '', name);
  const files: { name: string; sizeBytes: number; mtimeMs: number }[] = [];
  for (const name of names) {
    // A file another writer deleted meanwhile is simply gone.
    const stat = await fs.stat(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (stat !== undefined) files.push({ name, sizeBytes: stat.size, mtimeMs: stat.mtimeMs });
  }
  const result: RetentionResult = { deletedFiles: 0, deletedBytes: 0, keptFiles: files.length, keptBytes: files.reduce((sum, file) => sum + file.sizeBytes, 0) };
  const remove = async (file: { name: string; sizeBytes: number }): Promise<void> => {
    await fs.rm(join(dir, file.name), { force: true });
    result.deletedFiles++;
    result.deletedBytes += file.sizeBytes;
    result.keptFiles--;
    result.keptBytes -= file.sizeBytes;
  };
  const kept: typeof files = [];
  for (const file of files) {
    if (retention.retentionMs > 0 && file.mtimeMs < options.nowMs - retention.retentionMs && !options.keep?.has(file.name)) await remove(file);
    else kept.push(file);
  }
  for (const file of kept) {
    if (retention.maxTotalBytes <= 0 || result.keptBytes <= retention.maxTotalBytes) break;
    const writerId = parseInteractionLogFileName(file.name)?.writerId ?? '';
    if (options.keep?.has(file.name) || newestOfWriter.get(writerId) === file.name) continue;
    await remove(file);
  }
  return result;
}
