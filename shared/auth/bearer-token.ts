/** The metadata key of the token, as in HTTP. */
export const AUTHORIZATION_METADATA_KEY = 'authorization';

const BEARER_PREFIX = 'Bearer ';

/** The token of an `authorization: Bearer <token>` value; undefined for anything else. */
export function bearerTokenOf(values: readonly unknown[]): string | undefined {
  const value = values[0];
  if (typeof value !== 'string' || !value.startsWith(BEARER_PREFIX)) return undefined;
  const token = value.slice(BEARER_PREFIX.length).trim();
  return token === '' ? undefined : token;
}
