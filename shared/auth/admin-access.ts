import { adminConfigProblems, ConfigError } from '../config/index.js';
import type { AdminConfig } from '../config/index.js';
import type { CallAuthorizer } from '../grpc/index.js';
import type { Logger } from '../logging/index.js';
import { INTERNAL_TOKEN_FILE_FORMAT, internalAdminAuthorizer } from './internal-admin-authorizer.js';
import { watchTokenFile } from './token-file-watcher.js';

/** The admin guard of an internal tier, with its token file kept current. */
export interface AdminAccess {
  authorize: CallAuthorizer;
  /** Stops watching the token file; safe to call twice. */
  close(): void;
}

/**
 * Builds the guard of `adminPaths` from the admin settings: reads the internal token file
 * (a bad file throws: the tier must not start), and says at start who may call admin methods.
 */
export async function openAdminAccess(config: AdminConfig, adminPaths: readonly string[], logger: Logger): Promise<AdminAccess> {
  const problems = adminConfigProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const tokens = config.internalTokenFile === undefined ? undefined : await watchTokenFile({ path: config.internalTokenFile, format: INTERNAL_TOKEN_FILE_FORMAT, logger });
  const methods = adminPaths.map((path) => path.slice(path.lastIndexOf('/') + 1));
  if (config.allowInsecureAdmin) logger.warn({ methods }, 'admin methods are open to anyone who reaches the port (DLRS_ALLOW_INSECURE_ADMIN=true)');
  else if (tokens === undefined && config.adminClientSans === undefined) {
    logger.warn({ methods }, 'admin methods are refused: set DLRS_INTERNAL_TOKEN_FILE or DLRS_ADMIN_CLIENT_SANS to allow them');
  } else logger.info({ methods, internalToken: tokens !== undefined, clientSans: config.adminClientSans ?? [] }, 'admin methods need an internal token or an allowed client certificate');
  return {
    authorize: internalAdminAuthorizer({ adminPaths, tokens: tokens && (() => tokens.current()), clientSans: config.adminClientSans, allowInsecure: config.allowInsecureAdmin }),
    close: () => tokens?.close(),
  };
}
