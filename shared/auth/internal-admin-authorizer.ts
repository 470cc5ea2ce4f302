import type { PeerCertificate } from 'node:tls';
import { DlrsError } from '../errors/index.js';
import type { CallAuthorizer } from '../grpc/index.js';
import { AUTHORIZATION_METADATA_KEY, bearerTokenOf } from './bearer-token.js';
import type { TokenFileFormat } from './parse-token-file.js';
import type { TokenTable } from './token-table.js';

/** The internal token file: bare tokens, one per line. */
export const INTERNAL_TOKEN_FILE_FORMAT: TokenFileFormat = { scopes: ['admin'], defaultScopes: ['admin'] };

/** Options of {@link internalAdminAuthorizer}. */
export interface InternalAdminOptions {
  /** The guarded methods, `/package.Service/Method`; every other call passes. */
  adminPaths: readonly string[];
  /** The accepted internal tokens, read per call (a reloaded file applies at once). */
  tokens?: () => TokenTable;
  /** Subject alternative names of client certificates allowed without a token. */
  clientSans?: readonly string[];
  /** Admit every admin call (local experiments only). */
  allowInsecure: boolean;
}

/**
 * Guards the admin methods of an internal tier: a call needs an internal token
 * (`authorization: Bearer …`) or a verified client certificate whose SAN is allowed, not just
 * any certificate of the CA. With neither configured, admin calls are refused (closed by
 * default) unless allowInsecure. A missing or unknown credential is UNAUTHENTICATED; a
 * certificate that is not on the list is PERMISSION_DENIED.
 */
export function internalAdminAuthorizer(options: InternalAdminOptions): CallAuthorizer {
  const guarded = new Set(options.adminPaths);
  const allowedSans = new Set(options.clientSans ?? []);
  return ({ path, metadata, peerCertificate }) => {
    if (!guarded.has(path) || options.allowInsecure) return undefined;
    if (options.tokens === undefined && allowedSans.size === 0) {
      throw new DlrsError('PERMISSION_DENIED', 'admin methods are disabled on this server: it has no internal token and no allowed client certificates');
    }
    const presented = bearerTokenOf(metadata.get(AUTHORIZATION_METADATA_KEY));
    if (presented !== undefined && options.tokens?.().scopesOf(presented) !== undefined) return undefined;
    if (peerCertificate !== undefined && subjectAltNames(peerCertificate).some((name) => allowedSans.has(name))) return undefined;
    if (presented === undefined && peerCertificate !== undefined) throw new DlrsError('PERMISSION_DENIED', 'this client certificate may not call admin methods');
    throw new DlrsError('UNAUTHENTICATED', 'admin methods need a valid internal token (metadata authorization: Bearer <token>) or an allowed client certificate');
  };
}

/**
 * The SANs of a certificate, each both as typed (`DNS:gateway`) and bare (`gateway`), so
 * that an allow-list may use either form.
 */
export function subjectAltNames(certificate: PeerCertificate): string[] {
  const names: string[] = [];
  for (const entry of (certificate.subjectaltname ?? '').split(', ')) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue;
    const type = entry.slice(0, colon) === 'IP Address' ? 'IP' : entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    names.push(`${type}:${value}`, value);
  }
  return names;
}
