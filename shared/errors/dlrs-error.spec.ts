import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { status } from '@grpc/grpc-js';
import { DLRS_ERROR_CODES, DlrsError, GRPC_STATUS_BY_CODE, INTERNAL_ERROR_MESSAGE, toGrpcStatus } from './index.js';

describe('DlrsError', () => {
  it('prefixes the message with the field and keeps both apart', () => {
    const error = new DlrsError('INVALID_ARGUMENT', 'must be between 1 and 1000, got 0', { field: 'k' });
    assert.equal(error.message, 'k: must be between 1 and 1000, got 0');
    assert.equal(error.rawMessage, 'must be between 1 and 1000, got 0');
    assert.equal(error.field, 'k');
  });

  it('from() keeps a DlrsError and hides an unexpected error behind INTERNAL', () => {
    const original = new DlrsError('NOT_FOUND', 'no such user');
    assert.equal(DlrsError.from(original), original);
    const secret = new Error('password=hunter2 at /etc/secret');
    const mapped = DlrsError.from(secret);
    assert.equal(mapped.code, 'INTERNAL');
    assert.equal(mapped.message, INTERNAL_ERROR_MESSAGE);
    assert.equal(mapped.cause, secret);
    assert.equal(DlrsError.from('a string').code, 'INTERNAL');
  });

  it('maps every code to the gRPC status of the same name', () => {
    for (const code of DLRS_ERROR_CODES) {
      assert.equal(GRPC_STATUS_BY_CODE[code], status[code], code);
    }
  });

  it('round-trips code and field through a gRPC status', () => {
    for (const code of DLRS_ERROR_CODES) {
      const sent = new DlrsError(code, 'went wrong', { field: 'items[2].id' });
      const grpcStatus = toGrpcStatus(sent);
      const metadata = { get: (key: string) => (grpcStatus.trailers[key] === undefined ? [] : [grpcStatus.trailers[key]]) };
      const received = DlrsError.fromGrpc({ code: grpcStatus.code, details: grpcStatus.details, metadata });
      assert.equal(received.code, code);
      assert.equal(received.field, 'items[2].id');
      assert.equal(received.message, 'items[2].id: went wrong');
    }
  });

  it('round-trips code and field through a stream\'s in-band ErrorStatus', () => {
    for (const code of DLRS_ERROR_CODES) {
      const mapped = toGrpcStatus(new DlrsError(code, 'went wrong', { field: 'k' }));
      const received = DlrsError.fromStatus({ code: mapped.code, message: mapped.details, field: 'k' });
      assert.deepEqual([received.code, received.field, received.message], [code, 'k', 'k: went wrong']);
    }
    const fieldless = DlrsError.fromStatus({ code: status.RESOURCE_EXHAUSTED, message: 'full', field: '' });
    assert.deepEqual([fieldless.code, fieldless.field, fieldless.message], ['RESOURCE_EXHAUSTED', undefined, 'full']);
  });

  it('fromGrpc falls back to the numeric status without dlrs trailers', () => {
    assert.equal(DlrsError.fromGrpc({ code: status.UNAVAILABLE, details: 'connect failed' }).code, 'UNAVAILABLE');
    assert.equal(DlrsError.fromGrpc({ code: status.UNIMPLEMENTED, details: 'x' }).code, 'INTERNAL');
    assert.equal(DlrsError.fromGrpc({ code: status.OUT_OF_RANGE, details: 'x' }).code, 'INVALID_ARGUMENT');
  });

  it('every code is documented in docs/errors.md', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^## ([A-Z_]+)$/gm)].map((match) => match[1]));
    const missing = DLRS_ERROR_CODES.filter((code) => !documented.has(code));
    assert.deepEqual(missing, [], `codes missing from docs/errors.md: ${missing.join(', ')}`);
    for (const code of DLRS_ERROR_CODES) {
      const section = doc.split(`## ${code}\n`)[1]?.split('\n## ')[0] ?? '';
      for (const part of ['**Meaning:**', '**When dlrs uses it:**', '**Client action:**']) {
        assert.ok(section.includes(part), `${code} lacks ${part}`);
      }
    }
  });
});
