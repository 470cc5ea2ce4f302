// The ghz load-test configurations: options ghz knows, server reflection instead of proto
// files, calls that exist in proto/dlrs/v1, and request data that is valid proto3 JSON of the
// call's request message (every field known, oneofs respected, stream ids unique).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from '../../shared/proto/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GHZ_DIR = join(ROOT, 'deploy/ghz');

/** The keys of ghz's JSON configuration (runner.Config in bojand/ghz). */
const GHZ_KEYS = new Set([
  'proto', 'protoset', 'call', 'cacert', 'cert', 'key', 'skipTLS', 'skipFirst', 'cname', 'authority', 'insecure', 'total', 'async',
  'concurrency', 'concurrency-schedule', 'concurrency-start', 'concurrency-end', 'concurrency-step', 'concurrency-step-duration',
  'concurrency-max-duration', 'connections', 'rps', 'duration', 'duration-stop', 'max-duration', 'timeout', 'data', 'data-file',
  'binary-file', 'metadata', 'metadata-file', 'stream-interval', 'output', 'format', 'connect-timeout', 'keepalive', 'cpus',
  'import-paths', 'name', 'tags', 'reflect-metadata', 'debug', 'host', 'enable-compression', 'load-schedule', 'load-start',
  'load-end', 'load-step', 'load-step-duration', 'load-max-duration',
]);

interface GhzConfig {
  call: string;
  host: string;
  insecure?: boolean;
  concurrency: number;
  connections?: number;
  total?: number;
  duration?: string;
  timeout?: string;
  data?: unknown;
  'data-file'?: string;
  [key: string]: unknown;
}

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  root.loadSync(PROTO_FILES);
  root.resolveAll();
  return root;
}

/**
 * Fails unless `value` is proto3 JSON of `type` with only known fields (lowerCamelCase
 * names), at most one member per oneof, and values of the right shapes. protobufjs'
 * fromObject alone would silently drop a misspelt field.
 */
function assertProto3Json(type: protobuf.Type, value: JsonValue, where: string): void {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value), `${where}: an object for ${type.fullName}`);
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = type.fields[key];
    assert.ok(field, `${where}.${key}: no field ${key} in ${type.fullName}`);
    const check = (element: JsonValue, path: string): void => {
      field.resolve();
      if (field.resolvedType instanceof protobuf.Type) assertProto3Json(field.resolvedType, element, path);
      else if (field.resolvedType instanceof protobuf.Enum) assert.ok(typeof element === 'string' && element in field.resolvedType.values, `${path}: a ${field.resolvedType.name} name`);
      else if (field.type === 'string') assert.equal(typeof element, 'string', `${path}: a string`);
      else if (field.type === 'bool') assert.equal(typeof element, 'boolean', `${path}: a boolean`);
      else if (['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'].includes(field.type)) assert.ok(typeof element === 'string' || Number.isInteger(element), `${path}: an integer`);
      else if (['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32'].includes(field.type)) assert.ok(Number.isInteger(element) && (!field.type.startsWith('u') || (element as number) >= 0), `${path}: a ${field.type}`);
      else if (['float', 'double'].includes(field.type)) assert.equal(typeof element, 'number', `${path}: a number`);
    };
    if (field.map) {
      assert.ok(typeof fieldValue === 'object' && fieldValue !== null && !Array.isArray(fieldValue), `${where}.${key}: a map`);
      for (const [k, v] of Object.entries(fieldValue)) check(v, `${where}.${key}.${k}`);
    } else if (field.repeated) {
      assert.ok(Array.isArray(fieldValue), `${where}.${key}: a list`);
      fieldValue.forEach((v, i) => check(v, `${where}.${key}[${i}]`));
    } else {
      check(fieldValue, `${where}.${key}`);
    }
  }
  for (const oneof of type.oneofsArray) {
    assert.ok(oneof.oneof.filter((name) => name in value).length <= 1, `${where}: at most one of ${oneof.oneof.join(', ')}`);
  }
  const message = type.fromObject(value);
  assert.equal(type.verify(message), null, `${where}: verifies as ${type.fullName}`);
}

function readConfigs(): [string, GhzConfig][] {
  return readdirSync(GHZ_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(GHZ_DIR, f), 'utf8')) as GhzConfig]);
}

function requestsOf(config: GhzConfig): JsonValue[] {
  const data = config['data-file'] !== undefined ? (JSON.parse(readFileSync(join(ROOT, config['data-file']), 'utf8')) as JsonValue) : (config.data as JsonValue);
  return Array.isArray(data) ? data : [data];
}

describe('deploy/ghz', function () {
  const root = loadRoot();
  const configs = readConfigs();

  it('has configurations for Recommend and RecommendStream, each at three or more concurrencies', function () {
    for (const method of ['Recommend', 'RecommendStream']) {
      const levels = new Set(configs.filter(([, c]) => c.call === `dlrs.v1.Recommender.${method}`).map(([, c]) => c.concurrency));
      assert.ok(levels.size >= 3, `${method}: concurrencies ${[...levels].join(', ')}`);
    }
  });

  for (const [file, config] of configs) {
    describe(file, function () {
      it('uses only ghz options, server reflection and a plaintext local target', function () {
        for (const key of Object.keys(config)) assert.ok(GHZ_KEYS.has(key), `'${key}' is a ghz option`);
        assert.equal(config.proto, undefined, 'no proto file: reflection');
        assert.equal(config.protoset, undefined, 'no protoset: reflection');
        assert.equal(config.insecure, true);
        assert.match(config.host, /^[\w.-]+:\d+$/);
        assert.ok(Number.isInteger(config.concurrency) && config.concurrency > 0, 'concurrency');
        assert.ok(Number.isInteger(config.total) || typeof config.duration === 'string', 'a total or a duration');
        if (config.connections !== undefined) assert.ok(config.connections >= 1 && config.connections <= config.concurrency, 'connections <= concurrency');
        for (const key of ['timeout', 'connect-timeout', 'duration']) {
          if (config[key] !== undefined) assert.match(String(config[key]), /^\d+(ms|s|m)$/, `${key} is a Go duration`);
        }
      });

      it('calls a method of proto/dlrs/v1 with request data of its request type', function () {
        const dot = config.call.lastIndexOf('.');
        const service = root.lookupService(config.call.slice(0, dot));
        const method = service.methods[config.call.slice(dot + 1)];
        assert.ok(method, `${config.call} exists`);
        const requestType = root.lookupType(method.requestType);
        if (config['data-file'] !== undefined) assert.ok(existsSync(join(ROOT, config['data-file'])), `${config['data-file']} exists (paths are relative to the repository root)`);
        const requests = requestsOf(config);
        assert.ok(requests.length > 0, 'some request data');
        requests.forEach((request, i) => {
          assertProto3Json(requestType, request, `${file}[${i}]`);
          const r = request as Record<string, JsonValue>;
          if (requestType.name === 'RecommendRequest') {
            assert.ok('userId' in r !== 'context' in r, `${file}[${i}]: exactly one of userId, context`);
            if (typeof r.k === 'number' && typeof r.candidates === 'number') assert.ok(r.k <= r.candidates, `${file}[${i}]: k <= candidates`);
          }
        });
        if (method.requestStream) {
          const ids = requests.map((r) => (r as Record<string, JsonValue>).requestId);
          assert.ok(ids.every((id) => typeof id === 'string' && id !== ''), 'every stream request has a requestId');
          assert.equal(new Set(ids).size, ids.length, 'requestIds are unique on the stream');
        }
      });
    });
  }
});
