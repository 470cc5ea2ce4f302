import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker script `name` (without extension) that sits beside `moduleUrl` (pass
 * `import.meta.url`): its .js file in the compiled build, its .ts file when the sources run
 * under tsx. On Node 20 `execArgv: ['--import', 'tsx']` does not register tsx's hooks before a
 * worker's .ts entry loads (ERR_UNKNOWN_FILE_EXTENSION), so a two-line bootstrap registers
 * them first and then imports the entry.
 */
export function spawnWorker(moduleUrl: string, name: string, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  if (!moduleUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, moduleUrl), options);
  const entry = new URL(`./${name}.ts`, moduleUrl).href;
  // require.resolve finds tsx's package whichever loader runs this module; its ESM API sits at a fixed path in it.
  const root = dirname(createRequire(moduleUrl).resolve('tsx/package.json'));
  const api = pathToFileURL(join(root, 'dist/esm/api/index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
