import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  booleanField,
  defineConfig,
  durationMsField,
  enumListField,
  envVariableName,
  integerField,
  loadConfig,
  serverConfigShape,
  sizeBytesField,
} from './index.js';

const definition = defineConfig(
  {
    ...serverConfigShape({ port: 50051, metricsPort: 9464 }),
    maxBatchRows: integerField({ min: 1, max: 4096 }).default(256),
    providers: enumListField(['cuda', 'cpu']).default(['cpu']),
    warmup: booleanField().default(true),
    queueDelayMs: durationMsField({ max: 1000 }).default(2),
    cacheBytes: sizeBytesField().default(0),
  },
  { prefix: 'DLRS_RANKING_' },
);

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names variables from camelCase keys', () => {
    assert.equal(envVariableName('DLRS_', 'maxBatchRows'), 'DLRS_MAX_BATCH_ROWS');
    assert.equal(envVariableName('DLRS_RANKING_', 'metricsPort'), 'DLRS_RANKING_METRICS_PORT');
    assert.equal(envVariableName('DLRS_', 'tlsCaPath'), 'DLRS_TLS_CA_PATH');
  });

  it('returns a frozen, fully defaulted object', () => {
    const config = loadConfig(definition, { env: {} });
    assert.ok(Object.isFrozen(config));
    assert.equal(config.port, 50051);
    assert.equal(config.maxBatchRows, 256);
    assert.deepEqual(config.providers, ['cpu']);
    assert.equal(config.tlsCertPath, undefined);
    assert.equal(config.logLevel, 'info');
    // Compile-time checks: the loaded object is typed from the schema.
    const providers: ReadonlyArray<'cuda' | 'cpu'> = config.providers;
    const certPath: string | undefined = config.tlsCertPath;
    const rows: number = config.maxBatchRows;
    assert.deepEqual([providers, certPath, rows], [['cpu'], undefined, 256]);
  });

  it('parses environment strings, units and lists', () => {
    const config = loadConfig(definition, {
      env: {
        DLRS_RANKING_PORT: '0',
        DLRS_RANKING_PROVIDERS: 'cuda, cpu',
        DLRS_RANKING_WARMUP: 'no',
        DLRS_RANKING_QUEUE_DELAY_MS: '1s',
        DLRS_RANKING_CACHE_BYTES: '2MiB',
        DLRS_RANKING_SHUTDOWN_TIMEOUT_MS: '250ms',
      },
    });
    assert.equal(config.port, 0);
    assert.deepEqual(config.providers, ['cuda', 'cpu']);
    assert.equal(config.warmup, false);
    assert.equal(config.queueDelayMs, 1000);
    assert.equal(config.cacheBytes, 2 * 1024 * 1024);
    assert.equal(config.shutdownTimeoutMs, 250);
  });

  it('names the variable, the value and what is allowed', () => {
    const message = problemOf(() => loadConfig(definition, { env: { DLRS_RANKING_PORT: '70000' } }));
    assert.match(message, /DLRS_RANKING_PORT="70000" is invalid: expected a port number from 0 to 65535/);
    const listMessage = problemOf(() => loadConfig(definition, { env: { DLRS_RANKING_PROVIDERS: 'tpu' } }));
    assert.match(listMessage, /DLRS_RANKING_PROVIDERS="tpu" is invalid: .*cuda, cpu/);
  });

  it('reports every bad value at once and a missing required one by name', () => {
    const required = defineConfig({ bundleDir: definition.shape.tlsCertPath.unwrap(), port: definition.shape.port });
    const message = problemOf(() => loadConfig(required, { env: { DLRS_PORT: 'x' } }));
    assert.match(message, /DLRS_BUNDLE_DIR is required/);
    assert.match(message, /DLRS_PORT="x" is invalid/);
  });

  it('reads a YAML or JSON file named by DLRS_CONFIG_FILE, and the environment wins', async () => {
    const yamlPath = join(dir, 'ranking.yaml');
    await writeFile(yamlPath, 'maxBatchRows: 64\nproviders: [cuda, cpu]\nport: 7000\n');
    const config = loadConfig(definition, { env: { DLRS_CONFIG_FILE: yamlPath, DLRS_RANKING_PORT: '7001' } });
    assert.equal(config.maxBatchRows, 64);
    assert.deepEqual(config.providers, ['cuda', 'cpu']);
    assert.equal(config.port, 7001);
    const jsonPath = join(dir, 'ranking.json');
    await writeFile(jsonPath, JSON.stringify({ maxBatchRows: 0 }));
    const message = problemOf(() => loadConfig(definition, { env: {}, file: jsonPath }));
    assert.match(message, /DLRS_RANKING_MAX_BATCH_ROWS \(key "maxBatchRows" in .*ranking\.json\)=0 is invalid: expected an integer from 1 to 4096/);
  });

  it('rejects unknown keys in the file and an unreadable file', async () => {
    const path = join(dir, 'typo.yaml');
    await writeFile(path, 'maxBatchRow: 64\n');
    assert.match(problemOf(() => loadConfig(definition, { env: {}, file: path })), /unknown key "maxBatchRow"/);
    assert.match(problemOf(() => loadConfig(definition, { env: { DLRS_CONFIG_FILE: join(dir, 'absent.yaml') } })), /DLRS_CONFIG_FILE=.*cannot be read/);
  });

  it('checks that configured TLS files exist', () => {
    const message = problemOf(() => loadConfig(definition, { env: { DLRS_RANKING_TLS_CERT_PATH: '/nonexistent/cert.pem' } }));
    assert.match(message, /DLRS_RANKING_TLS_CERT_PATH="\/nonexistent\/cert.pem" is invalid: expected the path of an existing file/);
  });
});
