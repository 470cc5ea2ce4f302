import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { DlrsError } from '../../shared/errors/index.js';
import { bidi, unary } from '../../shared/grpc/index.js';
import type { CallContext, StreamWriter } from '../../shared/grpc/index.js';
import { createLogger, createMemorySink } from '../../shared/logging/index.js';
import { readApiTokens, withApiTokens } from './api-tokens.js';

function contextWith(authorization?: string): CallContext {
  const metadata = new Metadata();
  if (authorization !== undefined) metadata.set('authorization', authorization);
  return { deadline: Infinity, signal: new AbortController().signal, metadata, path: '/dlrs.v1.Recommender/Recommend', logger: createLogger({ level: 'silent', destination: createMemorySink() }), streamRequest: (_path, _trace, work) => work() };
}

const unauthenticated = (error: unknown): boolean => error instanceof DlrsError && error.code === 'UNAUTHENTICATED';

describe('API tokens', () => {
  const calls: string[] = [];
  const guarded = withApiTokens(
    {
      Echo: unary(async (request: string) => {
        calls.push(request);
        return request;
      }),
      Stream: bidi(async (_requests: AsyncIterable<string>, writer: StreamWriter<string>) => {
        calls.push('stream');
        await writer.write('hello');
      }),
    },
    ['s3cret', 'other'],
  );
  const echo = guarded.Echo;
  const stream = guarded.Stream;

  beforeEach(() => {
    calls.length = 0;
  });

  it('passes calls that carry a configured bearer token', async () => {
    assert.ok(echo.kind === 'unary');
    assert.equal(await echo.handle('hi' as never, contextWith('Bearer s3cret')), 'hi');
    assert.equal(await echo.handle('again' as never, contextWith('Bearer other')), 'again');
    assert.deepEqual(calls, ['hi', 'again']);
  });

  it('answers UNAUTHENTICATED without running the handler otherwise', async () => {
    assert.ok(echo.kind === 'unary' && stream.kind === 'bidi');
    await assert.rejects(echo.handle('x' as never, contextWith()), unauthenticated);
    await assert.rejects(echo.handle('x' as never, contextWith('Bearer wrong')), unauthenticated);
    await assert.rejects(echo.handle('x' as never, contextWith('s3cret')), unauthenticated);
    const written: unknown[] = [];
    await assert.rejects(stream.handle([] as never, { write: async (m: never) => void written.push(m) }, contextWith('Bearer nope')), unauthenticated);
    assert.deepEqual(calls, []);
    assert.deepEqual(written, []);
  });

  it('reads one token per line, skipping blanks and comments, and refuses an empty file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dlrs-tokens-'));
    try {
      await writeFile(join(dir, 'tokens'), '# clients\n  abc \n\nxyz\n');
      assert.deepEqual(await readApiTokens(join(dir, 'tokens')), ['abc', 'xyz']);
      await writeFile(join(dir, 'empty'), '# none yet\n');
      await assert.rejects(readApiTokens(join(dir, 'empty')), /holds no API token/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
