import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The credentials a local topology provisions for itself, as a deployment mounts them from Secrets. */
export interface ProvisionedTokens {
  /** What the topology's clients present: an API token with scopes read, write and admin. */
  apiToken: string;
  /** A token with scope `read` only, as a dashboard would hold: reads pass, writes are refused. */
  readOnlyToken: string;
  /** A bare token (scopes read and write, the default), as an event producer would hold: admin calls are refused. */
  readWriteToken: string;
  /** What an operator presents to the tiers' admin methods (LoadModel, Snapshot, item writes). */
  internalToken: string;
  /** The gateway's variables: its API tokens and the internal token it presents to the shards. */
  gatewayEnv: Readonly<Record<string, string>>;
  /** The variables of retrieval and ranking: the internal token their admin methods ask for. */
  tierEnv: Readonly<Record<string, string>>;
}

/** 24 random bytes: 192 bits, beyond any guessing. */
const TOKEN_BYTES = 24;

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Writes fresh tokens into `dir` (readable by the owner only): `api-tokens` for the gateway
 * (one `read,write,admin` token, one `read`, one bare: read and write) and `internal-token` for the tiers' admin methods.
 */
export async function provisionTokens(dir: string): Promise<ProvisionedTokens> {
  const apiToken = newToken();
  const readOnlyToken = newToken();
  const readWriteToken = newToken();
  const internalToken = newToken();
  const apiTokensFile = join(dir, 'api-tokens');
  const internalTokenFile = join(dir, 'internal-token');
  await writeFile(apiTokensFile, `# the local topology's client, a read-only one, and a bare one (read and write)\n${apiToken} read,write,admin\n${readOnlyToken} read\n${readWriteToken}\n`, { mode: 0o600 });
  await writeFile(internalTokenFile, `${internalToken}\n`, { mode: 0o600 });
  return {
    apiToken,
    readOnlyToken,
    readWriteToken,
    internalToken,
    gatewayEnv: { DLRS_API_TOKENS_FILE: apiTokensFile, DLRS_INTERNAL_TOKEN_FILE: internalTokenFile },
    tierEnv: { DLRS_INTERNAL_TOKEN_FILE: internalTokenFile },
  };
}
