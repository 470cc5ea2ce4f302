import { createHash, timingSafeEqual } from 'node:crypto';

/** One accepted token and what it grants. */
export interface TokenEntry {
  token: string;
  scopes: readonly string[];
}

/**
 * Accepted bearer tokens with the scopes each grants. Only SHA-256 digests are kept, and a
 * presented token is compared with every one of them in constant time, so neither memory nor
 * timing reveals a token.
 */
export class TokenTable {
  private readonly entries: readonly { digest: Buffer; scopes: ReadonlySet<string> }[];

  constructor(entries: readonly TokenEntry[]) {
    this.entries = entries.map(({ token, scopes }) => ({ digest: sha256(token), scopes: new Set(scopes) }));
  }

  /** How many tokens are accepted. */
  get size(): number {
    return this.entries.length;
  }

  /** The scopes `presented` grants; undefined when it is not an accepted token. */
  scopesOf(presented: string): ReadonlySet<string> | undefined {
    const digest = sha256(presented);
    let granted: ReadonlySet<string> | undefined;
    // Every entry is compared, matched or not: the time taken does not depend on which one matches.
    for (const entry of this.entries) {
      const equal = timingSafeEqual(entry.digest, digest);
      if (equal) granted = entry.scopes;
    }
    return granted;
  }
}

function sha256(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
