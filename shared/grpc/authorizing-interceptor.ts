import type { PeerCertificate } from 'node:tls';
import { ServerInterceptingCall } from '@grpc/grpc-js';
import type { Metadata, ServerInterceptor } from '@grpc/grpc-js';
import { DlrsError } from '../errors/index.js';
import { callStatusOf } from './call-status.js';

/** What an authorizer sees of a call: everything known before its body is read. */
export interface CallCredentials {
  /** `/package.Service/Method`. */
  path: string;
  metadata: Metadata;
  /** The client's certificate, on a mutual-TLS connection the server verified. */
  peerCertificate?: PeerCertificate;
}

/** The scopes a call was granted, for rights its handler checks per message. */
export type CallGrant = ReadonlySet<string>;

/**
 * Decides on a call from its metadata and TLS peer alone: throws a DlrsError (UNAUTHENTICATED,
 * PERMISSION_DENIED) to refuse it, returns its grant otherwise (undefined: nothing to restrict).
 */
export type CallAuthorizer = (call: CallCredentials) => CallGrant | undefined;

/** The grant of each admitted call, by its metadata object (the one its handler receives). */
const grants = new WeakMap<Metadata, CallGrant>();

/** The grant an authorizer gave the call whose metadata this is; undefined when there is none. */
export function grantOf(metadata: Metadata): CallGrant | undefined {
  return grants.get(metadata);
}

/**
 * A grpc-js server interceptor that runs `authorize` on the metadata, before a byte of the body
 * is read or decoded: a refused call is answered at once with the status of its DlrsError, and
 * its handler never runs.
 */
export function authorizingInterceptor(authorize: CallAuthorizer, onRefused: (refused: { path: string; streaming: boolean; error: DlrsError }) => void): ServerInterceptor {
  return (method, call) => {
    const intercepting: ServerInterceptingCall = new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, forward) {
            let grant: CallGrant | undefined;
            try {
              grant = authorize({ path: method.path, metadata, peerCertificate: call.getAuthContext().sslPeerCertificate });
            } catch (thrown) {
              const error = DlrsError.from(thrown);
              onRefused({ path: method.path, streaming: method.requestStream, error });
              intercepting.sendStatus(callStatusOf(error));
              return;
            }
            if (grant !== undefined) grants.set(metadata, grant);
            forward(metadata);
          },
        });
      },
    });
    return intercepting;
  };
}
