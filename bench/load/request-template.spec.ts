import assert from 'node:assert/strict';
import { compileRequest } from './request-template.js';

const METHOD = { fullyQualifiedName: 'dlrs.v1.Recommender.RecommendStream', inputName: 'RecommendRequest', outputName: 'RecommendStreamResponse', clientStreaming: true, serverStreaming: true };

describe('compileRequest (ghz template placeholders)', function () {
  it('sends a message without placeholders as the very same object', function () {
    const message = { userId: '1', k: 10, context: { interactions: [{ itemId: '3' }] } };
    const build = compileRequest(message, METHOD);
    assert.equal(build({ requestNumber: 7, workerId: 1 }), message);
  });

  it('renders the call data placeholders in string values, anywhere in the message', function () {
    const build = compileRequest({ requestId: 'r{{.RequestNumber}}-w{{ .WorkerID }}', userId: '{{.RequestNumber}}', k: 10, excludeIds: ['{{.MethodName}}', 'x'], context: { attributes: { s: '{{.ServiceName}}/{{.InputName}}' } } }, METHOD);
    assert.deepEqual(build({ requestNumber: 41, workerId: 3 }), {
      requestId: 'r41-w3',
      userId: '41',
      k: 10,
      excludeIds: ['RecommendStream', 'x'],
      context: { attributes: { s: 'dlrs.v1.Recommender/RecommendRequest' } },
    });
  });

  it('renders the random and time placeholders within their ranges', function () {
    const build = compileRequest({ a: '{{randomInt 5 8}}', b: '{{randomString 6}}', c: '{{.UUID}}', d: '{{.TimestampUnixMilli}}' }, METHOD);
    const before = Date.now();
    const out = build({ requestNumber: 0, workerId: 0 }) as Record<string, string>;
    assert.ok(['5', '6', '7'].includes(out.a), out.a);
    assert.match(out.b, /^[A-Za-z0-9]{6}$/);
    assert.match(out.c, /^[0-9a-f-]{36}$/);
    assert.ok(Number(out.d) >= before && Number(out.d) <= Date.now());
  });

  it('refuses a placeholder it does not render, and a malformed one', function () {
    assert.throws(() => compileRequest({ a: '{{.Nope}}' }, METHOD), /template '\{\{\.Nope\}\}' is not supported \(supported: \{\{\.RequestNumber\}\}/);
    assert.throws(() => compileRequest({ a: '{{randomInt 5}}' }, METHOD), /randomInt takes 2 integer argument/);
    assert.throws(() => compileRequest({ a: 'x{{.RequestNumber' }, METHOD), /'\{\{' without '\}\}'/);
  });
});
