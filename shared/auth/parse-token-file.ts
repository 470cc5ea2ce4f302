import { TokenTable } from './token-table.js';
import type { TokenEntry } from './token-table.js';

/** What a token file may grant. */
export interface TokenFileFormat {
  /** The scopes a line may name. */
  scopes: readonly string[];
  /** What a line with a bare token grants. */
  defaultScopes: readonly string[];
}

/**
 * Parses a token file: one token per line, optionally followed by a comma-separated scope list
 * (`TOKEN read,write`); blank lines and lines starting with # are skipped. A bad line fails with
 * the file and line number, never with the token itself (the message may reach a log).
 */
export function parseTokenFile(text: string, path: string, format: TokenFileFormat): TokenTable {
  const entries: TokenEntry[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${path}:${index + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length > 2) throw new Error(`${where}: expected "TOKEN" or "TOKEN scope[,scope…]" (scopes without spaces), got ${fields.length} fields`);
    const [token, scopeList] = fields;
    const scopes = scopeList === undefined ? [...format.defaultScopes] : scopeList.split(',');
    const unknown = scopes.filter((scope) => !format.scopes.includes(scope));
    if (unknown.length > 0 || scopes.length === 0) {
      throw new Error(`${where}: unknown scope ${unknown.map((scope) => JSON.stringify(scope)).join(', ')}; allowed: ${format.scopes.join(', ')}`);
    }
    const earlier = seen.get(token);
    if (earlier !== undefined) throw new Error(`${where}: repeats the token of line ${earlier}`);
    seen.set(token, index + 1);
    entries.push({ token, scopes });
  }
  if (entries.length === 0) throw new Error(`${path} holds no token`);
  return new TokenTable(entries);
}

/** The first token of a token file: what a client presents. */
export function firstTokenOf(text: string, path: string): string {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line !== '' && !line.startsWith('#')) return line.split(/\s+/)[0];
  }
  throw new Error(`${path} holds no token`);
}
