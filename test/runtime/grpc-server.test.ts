import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, status } from '@grpc/grpc-js';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { INTERNAL_ERROR_MESSAGE } from '../../shared/errors/index.js';
import { failureOf } from '../../shared/errors/testing/failure-of.js';
import { OWN_CONNECTION, callUnary, createGrpcClient } from '../../shared/grpc/index.js';
import { ECHO_SERVICE, echoClientConstructor, startEchoServer, testServerConfig } from '../fixtures/echo-service.js';
import type { EchoClient, EchoServerHandle, SayResponse } from '../fixtures/echo-service.js';
import { checkHealth, decodeFileDescriptor, healthClient, reflect, reflectionClient } from '../fixtures/runtime-clients.js';
import type { ServingStatus } from '../fixtures/runtime-clients.js';

function echoClient(handle: EchoServerHandle, options: { defaultDeadlineMs?: number } = {}): EchoClient {
  return createGrpcClient(echoClientConstructor(handle.packageDefinition), { addresses: handle.address, ...options });
}

describe('gRPC server bootstrap', () => {
  describe('health', () => {
    it('reports NOT_SERVING until ready, then SERVING, overall and per service', async () => {
      const handle = await startEchoServer({ ready: false });
      const health = healthClient(handle.address);
      try {
        assert.equal(await checkHealth(health, ''), 'NOT_SERVING');
        assert.equal(await checkHealth(health, ECHO_SERVICE), 'NOT_SERVING');
        handle.server.setReady(true);
        assert.equal(await checkHealth(health, ''), 'SERVING');
        assert.equal(await checkHealth(health, ECHO_SERVICE), 'SERVING');
        assert.equal(handle.logs.find(/gRPC server listening/)[0]?.port, handle.port);
        assert.equal(handle.logs.find(/TLS is off/).length, 1);
      } finally {
        health.close();
        await handle.server.shutdown('test done');
      }
    });

    it('goes NOT_SERVING when shutdown starts', async () => {
      const handle = await startEchoServer();
      const health = healthClient(handle.address);
      const watch: ClientReadableStream<{ status: ServingStatus }> = health.Watch({ service: '' });
      watch.on('error', () => undefined); // cancelled below
      try {
        const [first] = (await once(watch, 'data')) as [{ status: ServingStatus }];
        assert.equal(first.status, 'SERVING');
        const stopped = handle.server.shutdown('test');
        const [second] = (await once(watch, 'data')) as [{ status: ServingStatus }];
        assert.equal(second.status, 'NOT_SERVING');
        watch.cancel();
        await stopped;
      } finally {
        health.close();
      }
    });
  });

  describe('reflection', () => {
    let handle: EchoServerHandle;
    before(async () => {
      handle = await startEchoServer();
    });
    after(() => handle.server.shutdown('test done'));

    it('lists the registered services', async () => {
      const client = reflectionClient(handle.address);
      try {
        const response = await reflect(client, { listServices: '' });
        const names = response.listServicesResponse?.service.map((service) => service.name) ?? [];
        assert.ok(names.includes(ECHO_SERVICE), names.join(','));
        assert.ok(names.includes('grpc.health.v1.Health'), names.join(','));
      } finally {
        client.close();
      }
    });

    it('resolves the file that declares a symbol', async () => {
      const client = reflectionClient(handle.address);
      try {
        const response = await reflect(client, { fileContainingSymbol: `${ECHO_SERVICE}.SlowSay` });
        const files = (response.fileDescriptorResponse?.fileDescriptorProto ?? []).map(decodeFileDescriptor);
        const echoFile = files.find((file) => file.service.some((service) => service.name === 'Echo'));
        assert.ok(echoFile, `no file with service Echo among ${files.map((file) => file.name).join(',')}`);
        assert.equal(echoFile.package, 'dlrs.testing.v1');
        assert.deepEqual(echoFile.service[0].method.map((method) => method.name), ['Say', 'SlowSay', 'Chat', 'Fail']);
        const missing = await reflect(client, { fileContainingSymbol: 'dlrs.testing.v1.Nope' });
        assert.equal(missing.errorResponse?.errorCode, status.NOT_FOUND);
      } finally {
        client.close();
      }
    });
  });

  describe('calls', () => {
    let handle: EchoServerHandle;
    let client: EchoClient;
    before(async () => {
      handle = await startEchoServer();
      client = echoClient(handle);
    });
    after(async () => {
      client.close();
      await handle.server.shutdown('test done');
    });

    it('answers a unary call', async () => {
      const response = await callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'hello' }, md, options, cb));
      assert.equal(response.text, 'hello');
    });

    it('sends a thrown DlrsError as its status code with the field in the message', async () => {
      const error = await failureOf(
        callUnary((md, options, cb) => client.Fail({ code: 'INVALID_ARGUMENT', field: 'k', message: 'must be at least 1, got 0' }, md, options, cb)),
      );
      assert.equal(error.code, 'INVALID_ARGUMENT');
      assert.equal(error.field, 'k');
      assert.equal(error.message, 'k: must be at least 1, got 0');
      assert.equal((error.cause as { code: number }).code, status.INVALID_ARGUMENT);
      const notFound = await failureOf(callUnary((md, options, cb) => client.Fail({ code: 'NOT_FOUND', message: 'no user 7' }, md, options, cb)));
      assert.equal((notFound.cause as { code: number }).code, status.NOT_FOUND);
      assert.equal(notFound.message, 'no user 7');
    });

    it('hides an unexpected error behind INTERNAL and logs its cause', async () => {
      const error = await failureOf(callUnary((md, options, cb) => client.Fail({ unexpected: 'db password leaked' }, md, options, cb)));
      assert.equal(error.code, 'INTERNAL');
      assert.equal(error.message, INTERNAL_ERROR_MESSAGE);
      const [logged] = handle.logs.find('handler failed unexpectedly');
      assert.match(JSON.stringify(logged.err), /db password leaked/);
      assert.equal(logged.method, `/${ECHO_SERVICE}/Fail`);
    });

    it('aborts the handler signal when the client deadline passes', async () => {
      const error = await failureOf(
        callUnary((md, options, cb) => client.SlowSay({ text: 'late', waitMs: 10_000 }, md, options, cb), { deadline: Date.now() + 100 }),
      );
      assert.equal(error.code, 'DEADLINE_EXCEEDED');
      for (let attempt = 0; attempt < 100 && handle.probe.aborts.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.deepEqual(handle.probe.aborts, ['DEADLINE_EXCEEDED']);
    });

    it('gives unary calls the default deadline of the client', async () => {
      const shortClient = echoClient(handle, { defaultDeadlineMs: 100 });
      try {
        const error = await failureOf(callUnary((md, options, cb) => shortClient.SlowSay({ text: 'late', waitMs: 10_000 }, md, options, cb)));
        assert.equal(error.code, 'DEADLINE_EXCEEDED');
      } finally {
        shortClient.close();
      }
    });

    it('cancels the call when the caller aborts', async () => {
      const controller = new AbortController();
      const pending = failureOf(callUnary((md, options, cb) => client.SlowSay({ text: 'x', waitMs: 10_000 }, md, options, cb), { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      assert.equal((await pending).code, 'CANCELLED');
    });

    it('echoes a bidi stream and ends it with the mapped status on error', async () => {
      const chat = client.Chat();
      const received: string[] = [];
      chat.on('data', (message: SayResponse) => received.push(message.text));
      for (const text of ['a', 'b', 'c']) chat.write({ text });
      chat.end();
      await once(chat, 'status');
      assert.deepEqual(received, ['a', 'b', 'c']);

      const failing = client.Chat();
      failing.on('data', () => undefined);
      failing.write({ text: 'fail' });
      const [error] = (await once(failing, 'error')) as [Error & { code: number; details: string }];
      assert.equal(error.code, status.INVALID_ARGUMENT);
      assert.equal(error.details, 'text: cannot echo "fail"');
    });

    it('writes a burst of stream messages in order, waiting for drain', async () => {
      const chat = client.Chat();
      const received: string[] = [];
      chat.on('data', (message: SayResponse) => received.push(message.text));
      chat.write({ text: 'burst:3000' });
      chat.end();
      await once(chat, 'status');
      assert.equal(received.length, 3000);
      assert.ok(received.every((text, index) => text === String(index)));
    });

    it('serves Prometheus text with the rpc counter on /metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${handle.metricsPort}/metrics`)).text();
      assert.match(text, /dlrs_rpc_requests_total\{service="dlrs.testing.v1.Echo",method="Say",code="OK",kind="unary"\} 1/);
      assert.match(text, /dlrs_rpc_requests_total\{service="dlrs.testing.v1.Echo",method="Fail",code="INVALID_ARGUMENT",kind="unary"\} 1/);
      assert.match(text, /dlrs_rpc_duration_seconds_count\{service="dlrs.testing.v1.Echo",method="Say",code="OK",kind="unary"\} 1/);
      assert.equal((await fetch(`http://127.0.0.1:${handle.metricsPort}/readyz`)).status, 200);
    });
  });

  describe('HTTP/2 flow control', () => {
    it('advertises a receive window as large as the largest accepted message, per stream and per connection', async () => {
      const handle = await startEchoServer({ config: testServerConfig({ DLRS_MAX_MESSAGE_BYTES: '4194304' }) });
      const session = connect(`http://${handle.address}`);
      try {
        await once(session, 'remoteSettings');
        assert.equal(session.remoteSettings.initialWindowSize, 4_194_304);
        // The connection window grows by a WINDOW_UPDATE right after the settings: wait for it.
        const deadline = Date.now() + 2_000;
        while ((session.state.remoteWindowSize ?? 0) < 4_194_304 && Date.now() < deadline) await sleep(10);
        assert.equal(session.state.remoteWindowSize, 4_194_304);
      } finally {
        session.destroy();
        await handle.server.shutdown('test done');
      }
    });
  });

  describe('graceful shutdown', () => {
    it('lets an in-flight call finish and refuses new ones', async () => {
      const handle = await startEchoServer();
      const client = echoClient(handle);
      const lateClient = echoClient(handle);
      try {
        const inFlight = callUnary<SayResponse>((md, options, cb) => client.SlowSay({ text: 'finishing', waitMs: 300 }, md, options, cb));
        for (let attempt = 0; attempt < 100 && (handle.probe.calls.SlowSay ?? 0) === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
        const stopped = handle.server.shutdown('test');
        const refused = await failureOf(callUnary((md, options, cb) => lateClient.Say({ text: 'too late' }, md, options, cb)));
        assert.equal(refused.code, 'UNAVAILABLE');
        assert.equal((await inFlight).text, 'finishing');
        await stopped;
        assert.equal(handle.probe.slowFinished, 1);
        assert.equal(handle.probe.calls.Say, undefined);
        await handle.server.shutdown('again'); // idempotent
        assert.equal(handle.logs.find('shut down').length, 1);
      } finally {
        client.close();
        lateClient.close();
      }
    });

    it('cancels calls still running after shutdownTimeoutMs', async () => {
      const handle = await startEchoServer({ config: testServerConfig({ DLRS_SHUTDOWN_TIMEOUT_MS: '100' }) });
      const client = echoClient(handle);
      try {
        const stuck = failureOf(callUnary((md, options, cb) => client.SlowSay({ text: 'x', waitMs: 10_000 }, md, options, cb)));
        for (let attempt = 0; attempt < 100 && (handle.probe.calls.SlowSay ?? 0) === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
        await handle.server.shutdown('test');
        assert.ok(['UNAVAILABLE', 'CANCELLED'].includes((await stuck).code));
        assert.equal(handle.logs.find(/did not finish in time/).length, 1);
      } finally {
        client.close();
      }
    });
  });

  it('refuses messages above maxMessageBytes with RESOURCE_EXHAUSTED', async () => {
    const handle = await startEchoServer({ config: testServerConfig({ DLRS_MAX_MESSAGE_BYTES: '2KiB' }) });
    const client = echoClient(handle);
    try {
      const small = await callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'x'.repeat(1000) }, md, options, cb));
      assert.equal(small.text.length, 1000);
      const error = await failureOf(callUnary((md, options, cb) => client.Say({ text: 'x'.repeat(4096) }, md, options, cb)));
      assert.equal(error.code, 'RESOURCE_EXHAUSTED');
    } finally {
      client.close();
      await handle.server.shutdown('test done');
    }
  });

  it('plain clients without the factory also work (insecure channel)', async () => {
    const handle = await startEchoServer();
    const Echo = echoClientConstructor(handle.packageDefinition);
    const client = new Echo(handle.address, credentials.createInsecure(), OWN_CONNECTION);
    try {
      const response = await callUnary<SayResponse>((md, options, cb) => client.Say({ text: 'raw' }, md, options, cb));
      assert.equal(response.text, 'raw');
    } finally {
      client.close();
      await handle.server.shutdown('test done');
    }
  });
});
