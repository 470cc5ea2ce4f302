import { AUTHORIZATION_METADATA_KEY, bearerTokenOf } from '../../shared/auth/index.js';
import type { TokenFileFormat, TokenTable } from '../../shared/auth/index.js';
import { DlrsError } from '../../shared/errors/index.js';
import type { CallAuthorizer } from '../../shared/grpc/index.js';

/** The scopes of the public API. */
export const API_SCOPES = ['read', 'write', 'admin'] as const;

/** One of {@link API_SCOPES}. */
export type ApiScope = (typeof API_SCOPES)[number];

/** The API token file: `TOKEN [scope,…]`; a bare token reads and writes but does not administer. */
export const API_TOKEN_FILE_FORMAT: TokenFileFormat = { scopes: API_SCOPES, defaultScopes: ['read', 'write'] };

/**
 * The scope each Recommender method needs to be called at all. A Session answers with
 * recommendations (read); each event it carries also needs write, checked as the event arrives.
 */
export const METHOD_SCOPES: Readonly<Record<string, ApiScope>> = Object.freeze({
  Recommend: 'read',
  RecommendStream: 'read',
  SimilarItems: 'read',
  GetProfile: 'read',
  Session: 'read',
  RecordInteractions: 'write',
  UpsertItems: 'admin',
  DeleteItems: 'admin',
  DeleteProfile: 'admin',
});

const SERVICE_PREFIX = '/dlrs.v1.Recommender/';

/**
 * Guards dlrs.v1.Recommender with the API tokens `tokens()` returns (read per call, so a
 * reloaded file applies to the next call): no valid token is UNAUTHENTICATED, a token without
 * the method's scope PERMISSION_DENIED. Other services of the server (health, reflection) pass.
 */
export function apiTokenAuthorizer(tokens: () => TokenTable): CallAuthorizer {
  return ({ path, metadata }) => {
    if (!path.startsWith(SERVICE_PREFIX)) return undefined;
    const presented = bearerTokenOf(metadata.get(AUTHORIZATION_METADATA_KEY));
    const scopes = presented === undefined ? undefined : tokens().scopesOf(presented);
    if (scopes === undefined) throw new DlrsError('UNAUTHENTICATED', 'a valid API token is required (metadata authorization: Bearer <token>)');
    // A method the table does not know is refused rather than let through: a new method needs a scope first.
    const needed = METHOD_SCOPES[path.slice(SERVICE_PREFIX.length)] ?? 'admin';
    if (!scopes.has(needed)) throw new DlrsError('PERMISSION_DENIED', `this API token lacks scope ${needed}`);
    return scopes;
  };
}
