#!/usr/bin/env node
// Entry point: runs the compiled CLI when `npm run build` has produced it, the TypeScript sources through tsx otherwise.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/bin/cli.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('./cli.ts', import.meta.url).href);
}
