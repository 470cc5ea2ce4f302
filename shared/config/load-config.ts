import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/** Environment variables as a plain map (process.env or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The fields of a configuration: key to zod schema (defaults with `.default()`, optional with `.optional()`). */
export type ConfigShape = Readonly<Record<string, z.ZodType>>;

/** The typed, frozen result of {@link loadConfig}. */
export type Config<S extends ConfigShape> = Readonly<{ [K in keyof S]: z.output<S[K]> }>;

/** A configuration schema with the prefix of its environment variables. */
export interface ConfigDefinition<S extends ConfigShape> {
  readonly shape: S;
  /** Prefix of the environment variables, e.g. `DLRS_` or `DLRS_RANKING_`. */
  readonly prefix: string;
}

/** Variable naming the optional configuration file (JSON, or YAML for .yaml/.yml). */
export const CONFIG_FILE_VARIABLE = 'DLRS_CONFIG_FILE';

/** The default prefix: every dlrs variable starts with it. */
const DEFAULT_PREFIX = 'DLRS_';

/** Declares a configuration; keys are camelCase and read from `<prefix><UPPER_SNAKE_KEY>`. */
export function defineConfig<S extends ConfigShape>(shape: S, options: { prefix?: string } = {}): ConfigDefinition<S> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[A-Z][A-Z0-9_]*_$/.test(prefix)) throw new Error(`config prefix "${prefix}" must be upper snake case ending in _`);
  return Object.freeze({ shape, prefix });
}

/** The environment variable of a key: `maxBatchRows` with prefix `DLRS_` is `DLRS_MAX_BATCH_ROWS`. */
export function envVariableName(prefix: string, key: string): string {
  return prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([a-zA-Z])([0-9])/g, '$1_$2').toUpperCase();
}

/** The process environment; the one place in dlrs that reads process.env. */
export function processEnv(): Env {
  return process.env;
}

/**
 * Loads a configuration: each key from its environment variable, else from the
 * file (`options.file` or `DLRS_CONFIG_FILE`), else its default. Throws one
 * {@link ConfigError} listing every missing or wrong value.
 */
export function loadConfig<S extends ConfigShape>(
  definition: ConfigDefinition<S>,
  options: { env?: Env; file?: string } = {},
): Config<S> {
  const env = options.env ?? processEnv();
  const filePath = options.file ?? env[CONFIG_FILE_VARIABLE];
  const fileValues = filePath === undefined || filePath === '' ? {} : readConfigFile(filePath);
  const keys = Object.keys(definition.shape);
  const problems: string[] = Object.keys(fileValues)
    .filter((key) => !keys.includes(key))
    .map((key) => `${filePath}: unknown key "${key}" (known keys: ${keys.join(', ')})`);
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const variable = envVariableName(definition.prefix, key);
    const fromEnv = env[variable];
    const raw = fromEnv ?? fileValues[key];
    const source = fromEnv !== undefined ? variable : raw !== undefined ? `${variable} (key "${key}" in ${filePath})` : variable;
    const parsed = definition.shape[key].safeParse(raw);
    if (parsed.success) {
      result[key] = parsed.data;
    } else {
      const allowed = parsed.error.issues.map((issue) => issue.message).join('; ');
      problems.push(raw === undefined ? `${source} is required: ${allowed}` : `${source}=${JSON.stringify(raw)} is invalid: ${allowed}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(result) as Config<S>;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${CONFIG_FILE_VARIABLE}=${JSON.stringify(path)} cannot be read: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${path} must hold a mapping of configuration keys to values`]);
  }
  return parsed as Record<string, unknown>;
}
