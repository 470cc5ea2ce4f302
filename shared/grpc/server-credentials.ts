import { readFileSync } from 'node:fs';
import { ServerCredentials } from '@grpc/grpc-js';
import { ConfigError } from '../config/index.js';
import type { ServerConfig } from '../config/index.js';
import type { Logger } from '../logging/index.js';

/**
 * TLS when certificate and key are configured (mutual TLS when a client CA is
 * too), plaintext otherwise, which is logged as a warning.
 */
export function createServerCredentials(config: ServerConfig, logger: Logger): { credentials: ServerCredentials; tls: boolean } {
  const { tlsCertPath, tlsKeyPath, tlsCaPath } = config;
  if (tlsCertPath === undefined && tlsKeyPath === undefined) {
    if (tlsCaPath !== undefined) throw new ConfigError(['tlsCaPath is set but tlsCertPath and tlsKeyPath are not: a client CA needs a server certificate']);
    logger.warn('TLS is off: serving plaintext gRPC (set tlsCertPath and tlsKeyPath to enable it)');
    return { credentials: ServerCredentials.createInsecure(), tls: false };
  }
  if (tlsCertPath === undefined || tlsKeyPath === undefined) {
    throw new ConfigError([`${tlsCertPath === undefined ? 'tlsKeyPath' : 'tlsCertPath'} is set but ${tlsCertPath === undefined ? 'tlsCertPath' : 'tlsKeyPath'} is not: TLS needs both`]);
  }
  const clientCa = tlsCaPath === undefined ? null : readFileSync(tlsCaPath);
  const credentials = ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: readFileSync(tlsCertPath), private_key: readFileSync(tlsKeyPath) }],
    clientCa !== null,
  );
  logger.info({ mutualTls: clientCa !== null }, 'TLS is on');
  return { credentials, tls: true };
}
