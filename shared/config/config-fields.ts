import { existsSync } from 'node:fs';
import { z } from 'zod';

/**
 * Reusable configuration fields. Each accepts the string form an environment
 * variable gives and the typed form a JSON/YAML file gives, and reports what is
 * allowed in words a person can act on.
 */
export function configField<T>(allowed: string, parse: (raw: unknown) => T | undefined): z.ZodType<T, unknown> {
  return z.unknown().transform((raw, ctx) => {
    const value = parse(raw);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${allowed}` });
      return z.NEVER;
    }
    return value;
  }) as unknown as z.ZodType<T, unknown>;
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  return Number.isNaN(value) ? undefined : value;
}

/** An integer in [min, max]. */
export function integerField(options: { min: number; max: number }): z.ZodType<number, unknown> {
  return configField(`an integer from ${options.min} to ${options.max}`, (raw) => {
    const value = toNumber(raw);
    return value !== undefined && Number.isInteger(value) && value >= options.min && value <= options.max ? value : undefined;
  });
}

/** A finite number in [min, max]. */
export function numberField(options: { min: number; max: number }): z.ZodType<number, unknown> {
  return configField(`a number from ${options.min} to ${options.max}`, (raw) => {
    const value = toNumber(raw);
    return value !== undefined && Number.isFinite(value) && value >= options.min && value <= options.max ? value : undefined;
  });
}

/** A TCP port; 0 asks the operating system for a free one. */
export function portField(): z.ZodType<number, unknown> {
  return configField('a port number from 0 to 65535 (0 = any free port)', (raw) => {
    const value = toNumber(raw);
    return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 65535 ? value : undefined;
  });
}

/** A host name or IP address to listen on or connect to. */
export function hostField(): z.ZodType<string, unknown> {
  return configField('a host name or IP address without spaces', (raw) =>
    typeof raw === 'string' && /^[^\s]+$/.test(raw) ? raw : undefined,
  );
}

/** A non-empty string. */
export function stringField(): z.ZodType<string, unknown> {
  return configField('a non-empty string', (raw) => (typeof raw === 'string' && raw.length > 0 ? raw : undefined));
}

const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds; a string may carry a unit (`250ms`, `2s`, `1m`, `1h`), a bare number is ms. */
export function durationMsField(options: { min?: number; max?: number } = {}): z.ZodType<number, unknown> {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return configField(`a duration from ${min} ms to ${max} ms (a number of ms, or with a unit: 250ms, 2s, 1m, 1h)`, (raw) => {
    const match = typeof raw === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw) : undefined;
    const value = typeof raw === 'number' ? raw : match ? Number(match[1]) * DURATION_UNIT_MS[match[2] ?? 'ms'] : undefined;
    return value !== undefined && Number.isFinite(value) && value >= min && value <= max ? Math.round(value) : undefined;
  });
}

const SIZE_UNIT_BYTES: Readonly<Record<string, number>> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** A size in bytes; a string may carry a binary unit (`512KiB`, `16MiB`, `1GiB`). */
export function sizeBytesField(options: { min?: number; max?: number } = {}): z.ZodType<number, unknown> {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return configField(`a size from ${min} to ${max} bytes (a number of bytes, or with a unit: 512KiB, 16MiB, 1GiB)`, (raw) => {
    const match = typeof raw === 'string' ? /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/.exec(raw) : undefined;
    const value = typeof raw === 'number' ? raw : match ? Number(match[1]) * SIZE_UNIT_BYTES[match[2] ?? 'B'] : undefined;
    return value !== undefined && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
  });
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** A boolean: true/false, 1/0, yes/no, on/off. */
export function booleanField(): z.ZodType<boolean, unknown> {
  return configField('true or false (also 1/0, yes/no, on/off)', (raw) => {
    if (typeof raw === 'boolean') return raw;
    const word = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    if (word !== undefined && TRUE_WORDS.has(word)) return true;
    if (word !== undefined && FALSE_WORDS.has(word)) return false;
    return undefined;
  });
}

/** One value out of a fixed set. */
export function enumField<const V extends string>(allowed: readonly V[]): z.ZodType<V, unknown> {
  return configField(`one of ${allowed.join(', ')}`, (raw) =>
    typeof raw === 'string' && (allowed as readonly string[]).includes(raw.trim()) ? (raw.trim() as V) : undefined,
  );
}

/** A non-empty, ordered, duplicate-free list out of a fixed set: `cuda,cpu` in a variable, an array in a file. */
export function enumListField<const V extends string>(allowed: readonly V[]): z.ZodType<V[], unknown> {
  return configField(`a comma-separated list of ${allowed.join(', ')} (at least one, no repeats)`, (raw) => {
    const items = typeof raw === 'string' ? raw.split(',').map((item) => item.trim()) : raw;
    if (!Array.isArray(items) || items.length === 0) return undefined;
    const valid = items.every((item) => typeof item === 'string' && (allowed as readonly string[]).includes(item));
    return valid && new Set(items).size === items.length ? (items as V[]) : undefined;
  });
}

/** A file or directory path; with `mustExist` the path is checked when the configuration loads. */
export function filePathField(options: { mustExist?: boolean } = {}): z.ZodType<string, unknown> {
  const allowed = options.mustExist ? 'the path of an existing file or directory' : 'a non-empty path';
  return configField(allowed, (raw) => {
    if (typeof raw !== 'string' || raw.length === 0) return undefined;
    return !options.mustExist || existsSync(raw) ? raw : undefined;
  });
}
