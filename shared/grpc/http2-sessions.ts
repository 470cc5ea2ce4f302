import type { Http2Server, ServerHttp2Session, ServerOptions } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/**
 * The grpc-js fields dlrs reaches into: grpc-js (1.14) gives servers no option for the HTTP/2
 * receive window and no hook on connections.
 */
interface GrpcJsServerInternals {
  /** Passed to http2.createServer / createSecureServer when a port is bound. */
  commonServerOptions?: ServerOptions;
  /** The bound HTTP/2 servers. */
  http2Servers?: Map<Http2Server, unknown>;
}

/** The options grpc-js passes to node:http2 when it binds, or undefined when grpc-js no longer has them. */
export function http2ServerOptionsOf(server: Server): ServerOptions | undefined {
  const internals = server as unknown as GrpcJsServerInternals;
  return internals.http2Servers instanceof Map ? internals.commonServerOptions : undefined;
}

/**
 * Calls `listener` with every HTTP/2 session (one per client connection) that the server's
 * bound ports accept from now on; call once the port is bound. Returns false (nothing
 * watched) when grpc-js no longer has the field.
 */
export function onHttp2Session(server: Server, listener: (session: ServerHttp2Session) => void): boolean {
  const { http2Servers } = server as unknown as GrpcJsServerInternals;
  if (!(http2Servers instanceof Map)) return false;
  for (const http2Server of http2Servers.keys()) http2Server.on('session', listener);
  return true;
}
