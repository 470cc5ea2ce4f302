import type { Param } from '../nn/index.js';

/** A parameter by name; a missing one is a layout bug, so it throws. */
export function param(params: Map<string, Param>, name: string): Param {
  const p = params.get(name);
  if (p === undefined) throw new Error(`model parameter ${name} is missing`);
  return p;
}
