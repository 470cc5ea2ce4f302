import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { internalAdminAuthorizer } from '../../shared/auth/index.js';
import { ConfigError } from '../../shared/config/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import type { ClientTlsOptions } from '../../shared/grpc/index.js';
import { echoClientConstructor, startEchoServer, testServerConfig } from '../fixtures/echo-service.js';
import type { EchoServerHandle, SayResponse } from '../fixtures/echo-service.js';
import { checkHealth, healthClient } from '../fixtures/runtime-clients.js';
import { skipForMissingTool } from '../../shared/testing/index.js';
import { opensslAvailable, selfSigned } from '../fixtures/self-signed-certificate.js';

/** Writes a CA, then a client certificate it signs with the SAN `DNS:<name>`; returns the paths. */
function caSigned(dir: string, ca: { certPath: string; keyPath: string }, name: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const extPath = join(dir, `${name}.ext`);
  writeFileSync(extPath, `subjectAltName=DNS:${name}\n`);
  execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${name}`], { stdio: 'ignore' });
  execFileSync('openssl', ['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', certPath, '-days', '1', '-extfile', extPath], { stdio: 'ignore' });
  return { certPath, keyPath };
}


async function say(handle: EchoServerHandle, tls: ClientTlsOptions | undefined): Promise<string> {
  const client = createGrpcClient(echoClientConstructor(handle.packageDefinition), { addresses: handle.address, tls, defaultDeadlineMs: 2_000 });
  try {
    return (await callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'secret' }, md, options, cb))).text;
  } finally {
    client.close();
  }
}

describe('TLS', () => {
  let dir: string;
  let server: { certPath: string; keyPath: string };
  let client: { certPath: string; keyPath: string };

  before(async function () {
    if (!opensslAvailable()) skipForMissingTool(this, 'openssl is not installed to generate a test certificate (apt-get install openssl)');
    dir = await mkdtemp(join(tmpdir(), 'dlrs-tls-'));
    server = selfSigned(dir, 'server');
    client = selfSigned(dir, 'client');
  });
  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('serves over TLS when certificate and key are configured', async () => {
    const handle = await startEchoServer({
      config: testServerConfig({ DLRS_TLS_CERT_PATH: server.certPath, DLRS_TLS_KEY_PATH: server.keyPath }),
    });
    try {
      assert.equal(await say(handle, { caPath: server.certPath }), 'secret');
      assert.equal(handle.logs.find(/TLS is off/).length, 0);
      const health = healthClient(handle.address, credentials.createSsl(readFileSync(server.certPath)));
      assert.equal(await checkHealth(health, ''), 'SERVING');
      health.close();
      const plaintext = await say(handle, undefined).catch((error: unknown) => error);
      assert.ok(plaintext instanceof DlrsError && plaintext.code === 'UNAVAILABLE', String(plaintext));
    } finally {
      await handle.server.shutdown('test done');
    }
  });

  it('requires a trusted client certificate when a client CA is configured (mTLS)', async () => {
    const handle = await startEchoServer({
      config: testServerConfig({ DLRS_TLS_CERT_PATH: server.certPath, DLRS_TLS_KEY_PATH: server.keyPath, DLRS_TLS_CA_PATH: client.certPath }),
    });
    try {
      assert.equal(await say(handle, { caPath: server.certPath, certPath: client.certPath, keyPath: client.keyPath }), 'secret');
      const anonymous = await say(handle, { caPath: server.certPath }).catch((error: unknown) => error);
      assert.ok(anonymous instanceof DlrsError && anonymous.code === 'UNAVAILABLE', String(anonymous));
    } finally {
      await handle.server.shutdown('test done');
    }
  });

  it('admits admin calls only from client certificates whose SAN is allowed, not any certificate of the CA', async () => {
    const ca = selfSigned(dir, 'client-ca');
    const allowed = caSigned(dir, ca, 'gateway.dlrs.internal');
    const other = caSigned(dir, ca, 'someone-else.dlrs.internal');
    const handle = await startEchoServer({
      config: testServerConfig({ DLRS_TLS_CERT_PATH: server.certPath, DLRS_TLS_KEY_PATH: server.keyPath, DLRS_TLS_CA_PATH: ca.certPath }),
      authorize: internalAdminAuthorizer({ adminPaths: ['/dlrs.testing.v1.Echo/Say'], clientSans: ['gateway.dlrs.internal'], allowInsecure: false }),
    });
    try {
      assert.equal(await say(handle, { caPath: server.certPath, ...allowed }), 'secret');
      const refused = await say(handle, { caPath: server.certPath, ...other }).catch((error: unknown) => error);
      assert.ok(refused instanceof DlrsError && refused.code === 'PERMISSION_DENIED', String(refused));
      assert.equal(handle.probe.calls.Say, 1, 'the refused call never reached the handler');
    } finally {
      await handle.server.shutdown('test done');
    }
  });

  it('refuses a certificate without its key', async () => {
    await assert.rejects(startEchoServer({ config: testServerConfig({ DLRS_TLS_CERT_PATH: server.certPath }) }), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /tlsCertPath is set but tlsKeyPath is not/);
      return true;
    });
  });
});
