import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DlrsError } from '../../shared/errors/index.js';
import { bidi, unary } from '../../shared/grpc/index.js';
import type { CallContext, MethodHandler, ServiceImplementation } from '../../shared/grpc/index.js';

/** Reads API tokens: one per line; blank lines and lines starting with # are skipped. */
export async function readApiTokens(path: string): Promise<string[]> {
  const tokens = (await readFile(path, 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens.length === 0) throw new Error(`${path} holds no API token`);
  return tokens;
}

/**
 * The implementation with every method behind an API-token check: a call must carry
 * metadata `authorization: Bearer <token>` with one of `tokens`, else UNAUTHENTICATED.
 * Tokens are compared by their SHA-256 in constant time.
 */
export function withApiTokens(implementation: ServiceImplementation, tokens: readonly string[]): ServiceImplementation {
  const digests = tokens.map(digest);
  const check = (context: CallContext): void => {
    const header = context.metadata.get('authorization')[0];
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? digest(header.slice('Bearer '.length).trim()) : undefined;
    let valid = false;
    for (const known of digests) valid = (presented !== undefined && timingSafeEqual(known, presented)) || valid;
    if (!valid) throw new DlrsError('UNAUTHENTICATED', 'a valid API token is required (metadata authorization: Bearer <token>)');
  };
  const guarded: Record<string, MethodHandler> = {};
  for (const [method, handler] of Object.entries(implementation)) {
    guarded[method] =
      handler.kind === 'unary'
        ? unary<never, unknown>(async (request, context) => {
            check(context);
            return handler.handle(request, context);
          })
        : bidi<never, unknown>(async (requests, writer, context) => {
            check(context);
            await handler.handle(requests, writer, context);
          });
  }
  return guarded;
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
