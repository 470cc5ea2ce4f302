import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import { callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { failureOf } from '../../shared/errors/testing/failure-of.js';
import { echoClientConstructor, startEchoServer, testPublicEdgeConfig } from '../fixtures/echo-service.js';
import type { EchoClient, EchoServerHandle, SayResponse } from '../fixtures/echo-service.js';

/** What a server said in its SETTINGS, and the connection window once its first WINDOW_UPDATE is in. */
async function advertised(handle: EchoServerHandle): Promise<{ maxConcurrentStreams?: number; initialWindowSize?: number; connectionWindow?: number }> {
  const session = connect(`http://${handle.address}`);
  try {
    await once(session, 'remoteSettings');
    // The server widens a connection's window as the connection opens, before it answers anything:
    // once a ping is answered, that WINDOW_UPDATE has arrived.
    await ping(session);
    const { maxConcurrentStreams, initialWindowSize } = session.remoteSettings;
    return { maxConcurrentStreams, initialWindowSize, connectionWindow: session.state.remoteWindowSize };
  } finally {
    session.destroy();
  }
}

function ping(session: ClientHttp2Session): Promise<void> {
  return new Promise((resolve, reject) => {
    session.ping((error) => (error ? reject(error) : resolve()));
  });
}

/** One Echo/Say over a raw HTTP/2 session; resolves to its grpc-status. */
async function rawSay(session: ClientHttp2Session, text: string): Promise<string | undefined> {
  const payload = Buffer.concat([Buffer.from([0x0a, text.length]), Buffer.from(text)]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(payload.length, 1);
  const stream = session.request({ ':method': 'POST', ':path': '/dlrs.testing.v1.Echo/Say', 'content-type': 'application/grpc', te: 'trailers' });
  let status: string | undefined;
  stream.on('trailers', (trailers) => (status = String(trailers['grpc-status'])));
  stream.resume();
  stream.end(Buffer.concat([prefix, payload]));
  await once(stream, 'close');
  return status;
}

describe('public edge: a server facing the public has bounded HTTP/2 and messages, internal servers do not', () => {
  let publicEdge: EchoServerHandle;
  let internal: EchoServerHandle;
  let publicClient: EchoClient;
  let internalClient: EchoClient;
  before(async () => {
    publicEdge = await startEchoServer({ publicEdge: testPublicEdgeConfig() });
    internal = await startEchoServer();
    publicClient = createGrpcClient(echoClientConstructor(publicEdge.packageDefinition), { addresses: publicEdge.address });
    internalClient = createGrpcClient(echoClientConstructor(internal.packageDefinition), { addresses: internal.address });
  });
  after(async () => {
    publicClient.close();
    internalClient.close();
    await Promise.all([publicEdge.server.shutdown('test done'), internal.server.shutdown('test done')]);
  });

  it('advertises a stream limit and the default 64 KiB window on the public port, the wide window and no stream limit internally', async () => {
    assert.deepEqual(await advertised(publicEdge), { maxConcurrentStreams: 100, initialWindowSize: 65_535, connectionWindow: 65_535 });
    // Node reports 2^32 - 1 when a server sets no limit.
    assert.deepEqual(await advertised(internal), { maxConcurrentStreams: 2 ** 32 - 1, initialWindowSize: 16 * 1024 * 1024, connectionWindow: 16 * 1024 * 1024 });
  });

  it('takes its stream limit from the configuration', async () => {
    const handle = await startEchoServer({ publicEdge: testPublicEdgeConfig({ DLRS_PUBLIC_MAX_CONCURRENT_STREAMS: '7' }) });
    try {
      assert.equal((await advertised(handle)).maxConcurrentStreams, 7);
    } finally {
      await handle.server.shutdown('test done');
    }
  });

  it('closes a connection without calls after the idle time, and one with a call running after its maximum age', async () => {
    const handle = await startEchoServer({
      publicEdge: testPublicEdgeConfig({ DLRS_PUBLIC_MAX_CONNECTION_IDLE_MS: '1000', DLRS_PUBLIC_MAX_CONNECTION_AGE_MS: '1500', DLRS_PUBLIC_MAX_CONNECTION_AGE_GRACE_MS: '0' }),
    });
    const idle = connect(`http://${handle.address}`);
    const busy = connect(`http://${handle.address}`);
    for (const session of [idle, busy]) session.on('error', () => undefined);
    try {
      const idleGoaway = once(idle, 'goaway');
      const busyGoaway = once(busy, 'goaway');
      // A call that would run for a minute keeps `busy` from being idle; its age ends it all the same.
      const payload = Buffer.from([0x0a, 0x04, ...Buffer.from('slow'), 0x10, 0xe0, 0xd4, 0x03]);
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(payload.length, 1);
      const call = busy.request({ ':method': 'POST', ':path': '/dlrs.testing.v1.Echo/SlowSay', 'content-type': 'application/grpc', te: 'trailers' });
      call.on('error', () => undefined);
      call.resume();
      call.end(Buffer.concat([prefix, payload]));
      const [[idleCode], [busyCode]] = (await Promise.all([idleGoaway, busyGoaway])) as [number][];
      assert.equal(idleCode, constants.NGHTTP2_NO_ERROR);
      assert.equal(busyCode, constants.NGHTTP2_NO_ERROR);
      await once(call, 'close');
      assert.equal(handle.probe.calls.SlowSay, 1, 'the long call was running');
      assert.equal(handle.probe.slowFinished, 0, 'the long call was cut, not finished');
    } finally {
      idle.destroy();
      busy.destroy();
      await handle.server.shutdown('test done');
    }
  });

  it('refuses a message over 1 MiB with RESOURCE_EXHAUSTED and keeps serving; an internal server takes it', async () => {
    const text = 'x'.repeat(1024 * 1024 + 1);
    const refused = await failureOf(callUnary<SayResponse>((md, options, cb) => publicClient.Say({ text }, md, options, cb)));
    assert.equal(refused.code, 'RESOURCE_EXHAUSTED');
    assert.equal((await callUnary<SayResponse>((md, options, cb) => publicClient.Say({ text: 'still here' }, md, options, cb))).text, 'still here');
    assert.equal((await callUnary<SayResponse>((md, options, cb) => internalClient.Say({ text }, md, options, cb))).text.length, text.length);
    assert.equal(publicEdge.probe.calls.Say, 1, 'the oversized message never reached the handler');
  });

  it('ends a connection that pings too often with GOAWAY ENHANCE_YOUR_CALM "too_many_pings"', async () => {
    const session = connect(`http://${publicEdge.address}`);
    session.on('error', () => undefined); // the server closes it
    try {
      await once(session, 'remoteSettings');
      const goaway = once(session, 'goaway') as Promise<[number, number, Buffer | undefined]>;
      let answered = 0;
      // Two strikes are tolerated (as in gRPC core): the first ping and two early ones pass, the fourth ends it.
      for (let i = 0; i < 10 && !session.closed && !session.destroyed; i++) {
        try {
          await ping(session);
          answered++;
        } catch {
          break;
        }
      }
      const [errorCode, , opaqueData] = await goaway;
      assert.equal(errorCode, constants.NGHTTP2_ENHANCE_YOUR_CALM);
      assert.equal(opaqueData?.toString(), 'too_many_pings');
      assert.equal(answered, 3);
    } finally {
      session.destroy();
    }
  });

  it('lets a client ping before each call: answers in between reset the strikes', async () => {
    const session = connect(`http://${publicEdge.address}`);
    let goaway = false;
    session.on('goaway', () => (goaway = true));
    try {
      await once(session, 'remoteSettings');
      for (let i = 0; i < 8; i++) {
        await ping(session);
        assert.equal(await rawSay(session, `call ${i}`), '0');
      }
      assert.equal(goaway, false);
      assert.equal(session.destroyed, false);
    } finally {
      session.destroy();
    }
  });
});
