import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { callUnary, createGrpcClient, grpcTarget } from '../../shared/grpc/index.js';
import type { GrpcClientOptions } from '../../shared/grpc/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import { echoClientConstructor, startEchoServer } from '../fixtures/echo-service.js';
import type { EchoClient, EchoServerHandle, SayRequest, SayResponse } from '../fixtures/echo-service.js';

function echoClient(options: GrpcClientOptions): EchoClient {
  return createGrpcClient(echoClientConstructor(), options);
}

describe('createGrpcClient', () => {
  it('builds dns, ipv4 and ipv6 targets', () => {
    assert.equal(grpcTarget('ranking:50052'), 'dns:ranking:50052');
    assert.equal(grpcTarget(['10.0.0.1:50051', '10.0.0.2:50051']), 'ipv4:10.0.0.1:50051,10.0.0.2:50051');
    assert.equal(grpcTarget(['[::1]:50051', '[::2]:50051']), 'ipv6:[::1]:50051,[::2]:50051');
    assert.equal(grpcTarget('unix:/tmp/dlrs.sock'), 'unix:/tmp/dlrs.sock');
    assert.throws(() => grpcTarget(['a:1', 'b:2']), /one DNS name/);
    assert.throws(() => echoClient({ addresses: 'x:1', idempotentMethods: ['Nope'] }), /no method\(s\) Nope/);
  });

  it('gives each client a connection of its own: a client made after the server came up is not handed another client\'s connection in backoff', async () => {
    // A socket path of the test's own stands for "an address whose earlier server is gone":
    // unlike a TCP port, nothing else can take it in between.
    const dir = mkdtempSync(join(tmpdir(), 'dlrs-own-connection-'));
    const address = `unix:${join(dir, 'echo.sock')}`;
    const say = (client: EchoClient) => callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'hi' }, md, options, cb));
    const early = echoClient({ addresses: address });
    const server = new Server();
    let late: EchoClient | undefined;
    try {
      await assert.rejects(say(early), (error: unknown) => error instanceof DlrsError && error.code === 'UNAVAILABLE', 'nothing listens yet: its connection fails and backs off');
      server.addService(echoClientConstructor().service, {
        Say: (call: { request: SayRequest }, callback: (error: null, response: SayResponse) => void) => callback(null, { text: call.request.text }),
      });
      await new Promise<void>((resolve, reject) => server.bindAsync(address, ServerCredentials.createInsecure(), (error) => (error ? reject(error) : resolve())));
      late = echoClient({ addresses: address });
      // With grpc-js's process-wide connection pool this failed at once: "No connection established".
      assert.equal((await say(late)).text, 'hi');
    } finally {
      early.close();
      late?.close();
      server.forceShutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against servers', () => {
    let first: EchoServerHandle;
    let second: EchoServerHandle;
    before(async () => {
      first = await startEchoServer();
      second = await startEchoServer();
    });
    after(async () => {
      await first.server.shutdown('test done');
      await second.server.shutdown('test done');
    });

    it('retries UNAVAILABLE only for idempotent methods', async () => {
      const failUnavailable = (client: EchoClient) =>
        callUnary((md, options, cb) => client.Fail({ code: 'UNAVAILABLE', message: 'warming up' }, md, options, cb)).catch((error: unknown) => error);
      const plain = echoClient({ addresses: first.address });
      const retrying = echoClient({ addresses: second.address, idempotentMethods: ['Fail'], maxAttempts: 3 });
      try {
        const once = await failUnavailable(plain);
        assert.ok(once instanceof DlrsError && once.code === 'UNAVAILABLE');
        assert.equal(first.probe.calls.Fail, 1);
        const retried = await failUnavailable(retrying);
        assert.ok(retried instanceof DlrsError && retried.code === 'UNAVAILABLE');
        assert.equal(second.probe.calls.Fail, 3);
      } finally {
        plain.close();
        retrying.close();
      }
    });

    it('spreads calls over several addresses (round robin)', async () => {
      const client = echoClient({ addresses: [first.address, second.address] });
      try {
        for (let call = 0; call < 20; call += 1) {
          await callUnary<SayResponse>((md, options, cb) => client.Say({ text: String(call) }, md, options, cb));
        }
        assert.ok((first.probe.calls.Say ?? 0) > 0 && (second.probe.calls.Say ?? 0) > 0, JSON.stringify([first.probe.calls, second.probe.calls]));
        assert.equal((first.probe.calls.Say ?? 0) + (second.probe.calls.Say ?? 0), 20);
      } finally {
        client.close();
      }
    });

    it('leaves streams without the default deadline', async () => {
      const client = echoClient({ addresses: first.address, defaultDeadlineMs: 50 });
      try {
        const chat = client.Chat();
        const received: string[] = [];
        chat.on('data', (message: SayResponse) => received.push(message.text));
        chat.write({ text: 'early' });
        await new Promise((resolve) => setTimeout(resolve, 150));
        chat.write({ text: 'after the unary default' });
        chat.end();
        await new Promise((resolve, reject) => {
          chat.once('status', resolve);
          chat.once('error', reject);
        });
        assert.deepEqual(received, ['early', 'after the unary default']);
      } finally {
        client.close();
      }
    });
  });
});
