import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../logging/index.js';
import { parseTokenFile } from './parse-token-file.js';
import type { TokenFileFormat } from './parse-token-file.js';
import type { TokenTable } from './token-table.js';

/**
 * How often the file's identity (inode, size, mtime) is checked. Polling rather than fs.watch:
 * Kubernetes updates a mounted Secret by swapping a symlink to a new directory, which inotify
 * on the file's old inode never reports. A Secret update takes up to a minute to reach the pod
 * anyway, so a 2 s poll adds little and costs one stat call.
 */
export const DEFAULT_TOKEN_FILE_POLL_MS = 2_000;

/** A token file kept current: re-read when it changes and on SIGHUP. */
export interface TokenFileWatcher {
  /** The tokens of the last file that parsed. */
  current(): TokenTable;
  /** Re-reads the file now; a file that fails to parse keeps the previous tokens (logged). Resolves whether they changed. */
  reload(reason: string): Promise<boolean>;
  /** Stops polling and listening for SIGHUP; safe to call twice. */
  close(): void;
}

/** Options of {@link watchTokenFile}. */
export interface TokenFileWatcherOptions {
  path: string;
  format: TokenFileFormat;
  logger: Logger;
  pollIntervalMs?: number;
  /** Called after every reload attempt, with whether the new file was taken. */
  onReload?: (taken: boolean) => void;
}

/** Reads the token file (a bad file throws: the service must not start) and keeps it current. */
export async function watchTokenFile(options: TokenFileWatcherOptions): Promise<TokenFileWatcher> {
  const { path, format } = options;
  const logger = options.logger.child({ component: 'token-file' });
  const read = async (): Promise<{ table: TokenTable; identity: string }> => {
    const identity = await identityOf(path);
    return { table: parseTokenFile(await readFile(path, 'utf8'), path, format), identity };
  };
  let { table, identity } = await read();
  let reloading: Promise<boolean> = Promise.resolve(false);
  const reload = (reason: string): Promise<boolean> => {
    // One reload at a time, in the order asked.
    reloading = reloading.then(async () => {
      try {
        const next = await read();
        identity = next.identity;
        table = next.table;
        logger.info({ path, reason, tokens: table.size }, 'token file reloaded');
        options.onReload?.(true);
        return true;
      } catch (error) {
        // The identity is not updated either: the next poll tries the file again.
        logger.error({ err: error, path, reason }, 'token file not reloaded: keeping the previous tokens');
        options.onReload?.(false);
        return false;
      }
    });
    return reloading;
  };
  const poll = async (): Promise<void> => {
    const now = await identityOf(path).catch(() => undefined);
    if (now !== undefined && now !== identity) await reload('file changed');
  };
  const timer = setInterval(() => void poll(), options.pollIntervalMs ?? DEFAULT_TOKEN_FILE_POLL_MS);
  timer.unref();
  const onHangup = (): void => void reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  return {
    current: () => table,
    reload,
    close() {
      clearInterval(timer);
      process.off('SIGHUP', onHangup);
    },
  };
}

/** What changes when the file is rewritten or replaced (stat follows the symlink). */
async function identityOf(path: string): Promise<string> {
  const stats = await stat(path, { bigint: true });
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}`;
}
