import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full, blocking garbage collection, run once before a server first turns SERVING: the
 * start-up garbage (loading, warm-up) goes now instead of in full collections during the
 * first served minute. `--expose-gc` is switched on at run time when not given on the
 * command line; the function it exposes is read from a fresh context, where it appears.
 */
export function collectGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed !== undefined) return exposed();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
