import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Client, Metadata, credentials, status } from '@grpc/grpc-js';
import type { ServiceError } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import { OWN_CONNECTION, callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import type { CallAuthorizer } from '../../shared/grpc/index.js';
import { ECHO_SERVICE, echoClientConstructor, startEchoServer, testServerConfig } from '../fixtures/echo-service.js';
import type { EchoServerHandle, SayResponse } from '../fixtures/echo-service.js';
import { checkHealth, healthClient } from '../fixtures/runtime-clients.js';

/** Echo needs `authorization: Bearer good`; `Bearer other` is known but may not call Echo. */
const authorize: CallAuthorizer = ({ path, metadata }) => {
  if (!path.startsWith(`/${ECHO_SERVICE}/`)) return undefined;
  const presented = metadata.get('authorization')[0];
  if (presented === 'Bearer other') throw new DlrsError('PERMISSION_DENIED', 'other may not echo');
  if (presented !== 'Bearer good') throw new DlrsError('UNAUTHENTICATED', 'a token is required');
  return new Set(['echo']);
};

/** A message limit far below the bodies sent: the size check would refuse them if they were read. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** An oversized body that is not protobuf either (field 0 wire type 7 is invalid). */
const GARBAGE_BYTES = 8 * 1024 * 1024;

/** Sends `body` as the raw request bytes of Echo/Say, bypassing the client's own encoding. */
function sayRaw(handle: EchoServerHandle, body: Buffer, token?: string): Promise<ServiceError | undefined> {
  const client = new Client(handle.address, credentials.createInsecure(), { ...OWN_CONNECTION, 'grpc.max_send_message_length': -1 });
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(`/${ECHO_SERVICE}/Say`, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, body, metadata, { deadline: Date.now() + 10_000 }, (error) => {
      client.close();
      resolve(error ?? undefined);
    });
  });
}

describe('call authorizer: credentials checked on the metadata, before the body', () => {
  let handle: EchoServerHandle;
  before(async () => {
    handle = await startEchoServer({ authorize, config: testServerConfig({ DLRS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }) });
  });
  after(async () => handle.server.shutdown('test done'));

  it('refuses an oversized garbage body without a token as UNAUTHENTICATED, never reading it', async () => {
    const garbage = Buffer.alloc(GARBAGE_BYTES, 0xff);
    const refused = await sayRaw(handle, garbage);
    assert.equal(refused?.code, status.UNAUTHENTICATED, refused?.details);
    assert.equal(refused?.metadata.get('dlrs-error-code')[0], 'UNAUTHENTICATED');
    const denied = await sayRaw(handle, garbage, 'other');
    assert.equal(denied?.code, status.PERMISSION_DENIED, denied?.details);
    // The same bodies with a valid token do reach the size check and the decoder.
    assert.equal((await sayRaw(handle, garbage, 'good'))?.code, status.RESOURCE_EXHAUSTED);
    assert.equal((await sayRaw(handle, Buffer.from([0xff, 0xff]), 'good'))?.code, status.INTERNAL);
    assert.equal(handle.probe.calls.Say, undefined, 'no handler ran');
  });

  it('refuses a stream before its first message and lets a valid token through', async () => {
    const client = createGrpcClient(echoClientConstructor(handle.packageDefinition), { addresses: handle.address });
    const good = createGrpcClient(echoClientConstructor(handle.packageDefinition), { addresses: handle.address, bearerToken: { token: 'good' } });
    try {
      const chat = client.Chat();
      chat.write({ text: 'hello' });
      const [error] = (await once(chat, 'error')) as [ServiceError];
      assert.equal(error.code, status.UNAUTHENTICATED);
      assert.equal(handle.probe.calls.Chat, undefined);
      const answer = await callUnary<SayResponse>((md, o, cb) => good.Say({ text: 'hi' }, md, o, cb));
      assert.equal(answer.text, 'hi');
      assert.equal(handle.probe.calls.Say, 1);
    } finally {
      client.close();
      good.close();
    }
  });

  it('leaves health to the authorizer, which lets it through', async () => {
    const health = healthClient(handle.address);
    try {
      assert.equal(await checkHealth(health, ''), 'SERVING');
    } finally {
      health.close();
    }
  });

  it('counts refused calls in the RPC metrics by code', async () => {
    const response = await fetch(`http://127.0.0.1:${handle.metricsPort}/metrics`);
    const text = await response.text();
    assert.match(text, /dlrs_rpc_duration_seconds_count\{[^}]*method="Say",code="UNAUTHENTICATED",kind="unary"\} 1\n/);
  });
});
