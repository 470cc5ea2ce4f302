import { DlrsError } from '../../../shared/errors/index.js';
import { MAX_ID_BYTES } from './field-limits.js';

/** Throws INVALID_ARGUMENT naming `field` when `value` is longer than `maxBytes` bytes of UTF-8. */
export function checkBytes(value: string, maxBytes: number, field: string): string {
  // Only a string of more than maxBytes / 3 characters can exceed maxBytes in UTF-8 (at most 3 bytes per UTF-16 unit).
  if (value.length * 3 > maxBytes) {
    const bytes = Buffer.byteLength(value);
    if (bytes > maxBytes) throw new DlrsError('INVALID_ARGUMENT', `at most ${maxBytes} bytes, got ${bytes}`, { field });
  }
  return value;
}

/** Throws INVALID_ARGUMENT naming `field` when a list or map holds more than `max` entries. */
export function checkCount(count: number, max: number, field: string): void {
  if (count > max) throw new DlrsError('INVALID_ARGUMENT', `at most ${max} entries, got ${count}`, { field });
}

/** Checks a user or item id: 1 to MAX_ID_BYTES bytes of UTF-8. */
export function requireId(id: string, field: string): string {
  if (id === '') throw new DlrsError('INVALID_ARGUMENT', 'is required', { field });
  return checkBytes(id, MAX_ID_BYTES, field);
}

/**
 * Checks a string map: at most `maxEntries` entries, keys of at most `maxKeyBytes` and values
 * of at most `maxValueBytes`. A bad key names the map; a bad value names its entry (`field["key"]`).
 */
export function checkStringMap(map: Readonly<Record<string, string>>, caps: { maxEntries: number; maxKeyBytes: number; maxValueBytes: number }, field: string): void {
  const keys = Object.keys(map);
  checkCount(keys.length, caps.maxEntries, field);
  for (const key of keys) {
    const keyBytes = Buffer.byteLength(key);
    if (keyBytes > caps.maxKeyBytes) throw new DlrsError('INVALID_ARGUMENT', `keys are at most ${caps.maxKeyBytes} bytes, got one of ${keyBytes}`, { field });
    checkBytes(map[key], caps.maxValueBytes, `${field}[${JSON.stringify(key)}]`);
  }
}
