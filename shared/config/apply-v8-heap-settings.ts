import { setFlagsFromString } from 'node:v8';
import type { ServerConfig } from './server-config.js';

/**
 * Sets the V8 heap flags a service's configuration asks for. Called right after the
 * configuration loads, before the bundle and the warm-up allocate: V8 keeps the pretenuring
 * decisions it has made. `setFlags` is V8's own setter unless a test records the flags.
 */
export function applyV8HeapSettings(config: Pick<ServerConfig, 'allocationSitePretenuring'>, setFlags: (flags: string) => void = setFlagsFromString): void {
  setFlags(config.allocationSitePretenuring ? '--allocation-site-pretenuring' : '--no-allocation-site-pretenuring');
}
