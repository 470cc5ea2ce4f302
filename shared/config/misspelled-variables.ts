import type { ConfigDefinition, ConfigShape, Env } from './load-config.js';
import { CONFIG_FILE_VARIABLE, envVariableName } from './load-config.js';

/** Why 2: one dropped, doubled or swapped letter; further than that is more likely another service's setting. */
const MAX_EDITS = 2;

/**
 * Warnings for variables with the definition's prefix that are no setting of it
 * but lie within two edits of one (`DLRS_MAX_BACH_ROWS` → `DLRS_MAX_BATCH_ROWS`).
 * Other unknown variables are left alone: the services share the `DLRS_`
 * prefix, so one service's environment often carries another's settings.
 */
export function misspelledVariables<S extends ConfigShape>(definition: ConfigDefinition<S>, env: Env): string[] {
  const known = new Set([CONFIG_FILE_VARIABLE, ...Object.keys(definition.shape).map((key) => envVariableName(definition.prefix, key))]);
  const warnings: string[] = [];
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith(definition.prefix) || known.has(variable)) continue;
    const nearest = [...known].find((name) => editDistanceAtMost(variable, name, MAX_EDITS));
    if (nearest !== undefined) warnings.push(`${variable} is not a setting of this service and is ignored; did you mean ${nearest}?`);
  }
  return warnings;
}

/** Whether the Levenshtein distance of a and b is at most `limit` (with an early exit per row). */
function editDistanceAtMost(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    if (Math.min(...current) > limit) return false;
    previous = current;
  }
  return previous[b.length] <= limit;
}
