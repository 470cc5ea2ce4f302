import assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { Metadata } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import { internalAdminAuthorizer, subjectAltNames } from './internal-admin-authorizer.js';
import { TokenTable } from './token-table.js';

const ADMIN = '/dlrs.v1.Retrieval/LoadModel';
const tokens = new TokenTable([{ token: 'internal', scopes: ['admin'] }]);
const certificate = (subjectaltname: string): PeerCertificate => ({ subjectaltname }) as PeerCertificate;
const withToken = (token?: string): Metadata => {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};
const codeOf = (run: () => unknown): string => {
  try {
    run();
    return 'OK';
  } catch (error) {
    return error instanceof DlrsError ? error.code : String(error);
  }
};

describe('internalAdminAuthorizer', () => {
  it('lets other methods through and asks admin methods for a token or an allowed SAN', () => {
    const authorize = internalAdminAuthorizer({ adminPaths: [ADMIN], tokens: () => tokens, clientSans: ['gateway'], allowInsecure: false });
    assert.equal(codeOf(() => authorize({ path: '/dlrs.v1.Retrieval/Search', metadata: withToken() })), 'OK');
    assert.equal(codeOf(() => authorize({ path: ADMIN, metadata: withToken('internal') })), 'OK');
    assert.equal(codeOf(() => authorize({ path: ADMIN, metadata: withToken() })), 'UNAUTHENTICATED');
    assert.equal(codeOf(() => authorize({ path: ADMIN, metadata: withToken('guess') })), 'UNAUTHENTICATED');
    assert.equal(codeOf(() => authorize({ path: ADMIN, metadata: withToken(), peerCertificate: certificate('DNS:gateway, IP Address:10.0.0.1') })), 'OK');
    assert.equal(codeOf(() => authorize({ path: ADMIN, metadata: withToken(), peerCertificate: certificate('DNS:other') })), 'PERMISSION_DENIED');
  });

  it('is closed when nothing is configured, open only when asked', () => {
    const closed = internalAdminAuthorizer({ adminPaths: [ADMIN], allowInsecure: false });
    assert.equal(codeOf(() => closed({ path: ADMIN, metadata: withToken('internal') })), 'PERMISSION_DENIED');
    const open = internalAdminAuthorizer({ adminPaths: [ADMIN], allowInsecure: true });
    assert.equal(codeOf(() => open({ path: ADMIN, metadata: withToken() })), 'OK');
  });

  it('reads SANs typed and bare', () => {
    assert.deepEqual(subjectAltNames(certificate('DNS:gateway.dlrs.svc, IP Address:10.0.0.1, URI:spiffe://dlrs/gateway')), [
      'DNS:gateway.dlrs.svc', 'gateway.dlrs.svc', 'IP:10.0.0.1', '10.0.0.1', 'URI:spiffe://dlrs/gateway', 'spiffe://dlrs/gateway',
    ]);
    assert.deepEqual(subjectAltNames(certificate('')), []);
  });
});
