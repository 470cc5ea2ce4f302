import type { Logger } from '../../../shared/logging/index.js';
import type { MetricsRegistry } from '../../../shared/metrics/index.js';
import type { ProfileEvictionReason } from './embedded-profile-store.js';

/** The embedded store's hooks, wired to logs and metrics, and the store's writability for readiness. */
export interface ProfileStoreMonitor {
  hooks: {
    onWritableChange(failure: Error | undefined): void;
    onEvicted(reason: ProfileEvictionReason, count: number): void;
    onCompacted(fromBytes: number, toBytes: number): void;
    onCompactionFailed(error: Error, retryInMs: number): void;
  };
  /** Why the store cannot write, or undefined. */
  readonly failure: Error | undefined;
  /** Calls `listener` whenever the store stops or starts being writable. */
  onChange(listener: (failure: Error | undefined) => void): void;
}

/**
 * Logs and counts what the embedded profile store reports: evictions
 * (`dlrs_profile_store_evictions{reason}`), compactions and abandoned ones
 * (`dlrs_profile_store_compaction_failures`), and whether it can write
 * (`dlrs_profile_store_writable_info` 1 or 0; `dlrs_profile_store_write_failures{code}` counts
 * the times it stopped, by error code such as ENOSPC or EIO), which the gateway's readiness
 * follows.
 */
export function monitorProfileStore(metrics: MetricsRegistry, logger: Logger): ProfileStoreMonitor {
  const log = logger.child({ component: 'profile-store' });
  const evictions = metrics.counter<{ reason: ProfileEvictionReason }>('dlrs_profile_store_evictions', 'Profiles evicted from the embedded store by the user cap (cap) or the idle TTL (idle)');
  const compactionFailures = metrics.counter('dlrs_profile_store_compaction_failures', 'Compactions of the embedded store abandoned (the old file stays in use; retried with backoff)');
  const writable = metrics.gauge('dlrs_profile_store_writable_info', '1 while the embedded store can write its file, 0 while writes are refused');
  const writeFailures = metrics.counter<{ code: string }>('dlrs_profile_store_write_failures', 'Times the embedded store stopped being able to write its file, by error code');
  writable.record(1);
  const listeners: ((failure: Error | undefined) => void)[] = [];
  let failure: Error | undefined;
  return {
    hooks: {
      onWritableChange(change) {
        failure = change;
        const code = (change?.cause as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
        if (change === undefined) log.info('profile store writable again: ready');
        else log.error({ err: change, code }, 'profile store cannot write its file: writes refused with UNAVAILABLE, not ready until the disk takes writes again');
        writable.record(change === undefined ? 1 : 0);
        if (change !== undefined) writeFailures.add(1, { code });
        for (const listener of listeners) listener(change);
      },
      onEvicted(reason, count) {
        evictions.add(count, { reason });
      },
      onCompacted(fromBytes, toBytes) {
        log.info({ fromBytes, toBytes }, 'profile store file compacted');
      },
      onCompactionFailed(error, retryInMs) {
        compactionFailures.add(1);
        log.warn({ err: error, retryInMs }, 'profile store compaction abandoned; the current file stays in use');
      },
    },
    get failure() {
      return failure;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
