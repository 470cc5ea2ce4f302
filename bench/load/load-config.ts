import { readFileSync } from 'node:fs';
import { parseGoDurationMs } from './go-duration.js';

/** What one load run does: ghz's configuration, as far as dlrs bench load implements it, plus warm-up. */
export interface LoadConfig {
  name: string;
  /** `package.Service.Method`, e.g. `dlrs.v1.Recommender.Recommend`. */
  call: string;
  /** `host:port` of the server. */
  host: string;
  /** Closed loop: calls in flight at all times. Open loop: the cap on calls in flight (sends wait beyond it; their latency still counts from the schedule). */
  concurrency: number;
  /** gRPC connections the calls are spread over. */
  connections: number;
  /** Calls to make; undefined when the run is bounded by its duration. */
  total: number | undefined;
  /** How long to send; overrides `total` (as in ghz). */
  durationMs: number | undefined;
  /** Open loop: calls started per second on a fixed timeline; undefined for a closed loop. */
  rps: number | undefined;
  /** Results left out of the statistics: the first `skipFirst` calls... */
  skipFirst: number;
  /** ... and every call scheduled in the first `warmupMs` of the run. */
  warmupMs: number;
  /** Deadline of each call (of each stream, on a streaming method). */
  timeoutMs: number;
  /** How long to wait for the connections before the run starts. */
  connectTimeoutMs: number;
  /** The request messages (proto3 JSON), possibly with ghz template placeholders; used in turn on unary calls, all of them on each stream. */
  messages: readonly unknown[];
  /** Metadata sent with every call. */
  metadata: Readonly<Record<string, string>>;
  /** Decode unary answers to count the degraded ones (stream answers are always decoded). */
  decodeAnswers: boolean;
}

/** A LoadConfig in the making: a ghz file and the command line each supply part of it. */
export type LoadSettings = Partial<LoadConfig>;

/** ghz's defaults, so that a configuration means what it means to ghz. */
export const GHZ_DEFAULT_CONCURRENCY = 50;
export const GHZ_DEFAULT_TOTAL = 200;
export const GHZ_DEFAULT_TIMEOUT_MS = 20_000;
export const GHZ_DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The ghz options this generator implements. */
export const SUPPORTED_GHZ_OPTIONS = ['name', 'call', 'host', 'insecure', 'concurrency', 'connections', 'total', 'rps', 'duration', 'skipFirst', 'timeout', 'connect-timeout', 'data', 'data-file', 'metadata'];

/** Options of ghz's JSON configuration that this generator does not implement; named apart so the message can say so. */
const OTHER_GHZ_OPTIONS = new Set([
  'proto', 'protoset', 'cacert', 'cert', 'key', 'skipTLS', 'cname', 'authority', 'async', 'concurrency-schedule', 'concurrency-start',
  'concurrency-end', 'concurrency-step', 'concurrency-step-duration', 'concurrency-max-duration', 'duration-stop', 'max-duration',
  'binary-file', 'metadata-file', 'stream-interval', 'output', 'format', 'keepalive', 'cpus', 'import-paths', 'tags',
  'reflect-metadata', 'debug', 'enable-compression', 'load-schedule', 'load-start', 'load-end', 'load-step', 'load-step-duration',
  'load-max-duration',
]);

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function positiveInteger(where: string, key: string, value: unknown, min = 1): number {
  if (!Number.isSafeInteger(value) || (value as number) < min) fail(where, `'${key}' must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return value as number;
}

function text(where: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') fail(where, `'${key}' must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

function duration(where: string, key: string, value: unknown): number {
  try {
    return parseGoDurationMs(text(where, key, value), `'${key}'`);
  } catch (error) {
    return fail(where, (error as Error).message);
  }
}

/** The messages of ghz's `data` value: an object is one message, an array is several. */
export function messagesOf(where: string, data: unknown): unknown[] {
  const messages = Array.isArray(data) ? data : [data];
  if (messages.length === 0) fail(where, 'the request data is an empty array');
  messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(where, `request data [${i}] must be a JSON object (proto3 JSON of the request message)`);
  });
  return messages;
}

/** Reads a JSON request-data file (`data-file`, relative to the working directory as in ghz). */
export function readDataFile(where: string, path: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(where, `data-file '${path}': ${(error as Error).message}`);
  }
  return messagesOf(`${where} (data-file ${path})`, json);
}

/**
 * Validates a parsed ghz JSON configuration and returns the settings it makes. Options outside
 * the implemented subset are refused with a message naming them, so a run never silently
 * differs from what the file asks of ghz.
 */
export function parseGhzConfig(raw: unknown, where: string): LoadSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'a ghz configuration is a JSON object');
  const settings: LoadSettings = {};
  const entries = Object.entries(raw);
  for (const [key] of entries) {
    if (OTHER_GHZ_OPTIONS.has(key)) fail(where, `ghz option '${key}' is not supported by dlrs bench load (supported: ${SUPPORTED_GHZ_OPTIONS.join(', ')})`);
    if (!SUPPORTED_GHZ_OPTIONS.includes(key)) fail(where, `'${key}' is not a ghz option (supported: ${SUPPORTED_GHZ_OPTIONS.join(', ')})`);
  }
  const config = raw as Record<string, unknown>;
  if ('data' in config && 'data-file' in config) fail(where, "give 'data' or 'data-file', not both");
  for (const [key, value] of entries) {
    switch (key) {
      case 'name': settings.name = text(where, key, value); break;
      case 'call': settings.call = text(where, key, value); break;
      case 'host': settings.host = text(where, key, value); break;
      // Only plaintext is implemented: the targets run on the same host.
      case 'insecure': if (value !== true) fail(where, "only plaintext connections are implemented: 'insecure' must be true"); break;
      case 'concurrency': settings.concurrency = positiveInteger(where, key, value); break;
      case 'connections': settings.connections = positiveInteger(where, key, value); break;
      case 'total': settings.total = positiveInteger(where, key, value); break;
      case 'rps': settings.rps = positiveInteger(where, key, value); break;
      case 'skipFirst': settings.skipFirst = positiveInteger(where, key, value, 0); break;
      case 'duration': settings.durationMs = duration(where, key, value); break;
      case 'timeout': settings.timeoutMs = duration(where, key, value); break;
      case 'connect-timeout': settings.connectTimeoutMs = duration(where, key, value); break;
      case 'data': settings.messages = messagesOf(where, value); break;
      case 'data-file': settings.messages = readDataFile(where, text(where, key, value)); break;
      case 'metadata': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, "'metadata' must be an object of strings");
        for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') fail(where, `metadata '${k}' must be a string`);
        settings.metadata = value as Record<string, string>;
        break;
      }
    }
  }
  if ('duration' in config && settings.durationMs === 0) fail(where, "'duration' must be above 0");
  return settings;
}

/** Reads and validates a ghz configuration file. */
export function readGhzConfig(path: string): LoadSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(path, (error as Error).message);
  }
  return parseGhzConfig(raw, path);
}

/**
 * Merges settings (later ones win) and applies ghz's defaults; the result is complete and
 * frozen. A duration, from either source, bounds the run instead of a total, as in ghz.
 */
export function resolveLoadConfig(...layers: LoadSettings[]): LoadConfig {
  const merged: LoadSettings = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) if (v !== undefined) Object.assign(merged, { [k]: v });
  const where = 'load configuration';
  if (merged.call === undefined) fail(where, "no 'call' (e.g. dlrs.v1.Recommender.Recommend)");
  if (merged.host === undefined) fail(where, "no 'host' (host:port)");
  if (!/^[\w.-]+:\d+$|^\[[\d:a-fA-F]+\]:\d+$/.test(merged.host)) fail(where, `host '${merged.host}' is not host:port`);
  if (merged.messages === undefined) fail(where, "no request data: give 'data', 'data-file' or generated users");
  const concurrency = merged.concurrency ?? GHZ_DEFAULT_CONCURRENCY;
  const connections = merged.connections ?? 1;
  if (connections > concurrency) fail(where, `connections (${connections}) must not exceed concurrency (${concurrency})`);
  const durationMs = merged.durationMs;
  return Object.freeze({
    name: merged.name ?? merged.call,
    call: merged.call,
    host: merged.host,
    concurrency,
    connections,
    total: durationMs === undefined ? (merged.total ?? GHZ_DEFAULT_TOTAL) : undefined,
    durationMs,
    rps: merged.rps,
    skipFirst: merged.skipFirst ?? 0,
    warmupMs: merged.warmupMs ?? 0,
    timeoutMs: merged.timeoutMs ?? GHZ_DEFAULT_TIMEOUT_MS,
    connectTimeoutMs: merged.connectTimeoutMs ?? GHZ_DEFAULT_CONNECT_TIMEOUT_MS,
    messages: Object.freeze([...merged.messages]),
    metadata: Object.freeze({ ...(merged.metadata ?? {}) }),
    decodeAnswers: merged.decodeAnswers ?? true,
  });
}
