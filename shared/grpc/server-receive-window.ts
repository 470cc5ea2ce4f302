import type { Http2Server, Http2Session, ServerOptions } from 'node:http2';
import type { Server } from '@grpc/grpc-js';

/**
 * The grpc-js fields this module reaches into: grpc-js (1.14) gives servers no option for the
 * HTTP/2 receive window, only clients (`grpc-node.flow_control_window`).
 */
interface GrpcJsServerInternals {
  /** Passed to http2.createServer / createSecureServer when a port is bound. */
  commonServerOptions?: ServerOptions;
  /** The bound HTTP/2 servers. */
  http2Servers?: Map<Http2Server, unknown>;
}

/**
 * Makes a grpc-js server advertise a receive window of `bytes` for every stream and for each
 * connection, instead of HTTP/2's 64 KiB. With 64 KiB a long-lived stream whose requests are
 * tens of kB (RankStream: 300 candidates' embeddings, 77 kB) needs a window update from this
 * server's event loop for every request: when the loop is busy for a few milliseconds the
 * client stalls, requests queue behind each other and the stream's throughput falls below the
 * request rate for good. Call before start(); `afterBind` must run once the port is bound.
 * Returns false (nothing changed) when grpc-js no longer has the fields.
 */
export function widenReceiveWindow(server: Server, bytes: number): { applied: boolean; afterBind(): void } {
  const internals = server as unknown as GrpcJsServerInternals;
  const options = internals.commonServerOptions;
  if (options === undefined || !(internals.http2Servers instanceof Map)) return { applied: false, afterBind: () => undefined };
  options.settings = { ...options.settings, initialWindowSize: bytes };
  const widenConnection = (session: Http2Session): void => session.setLocalWindowSize(bytes);
  return {
    applied: true,
    afterBind: () => {
      for (const http2Server of internals.http2Servers?.keys() ?? []) http2Server.on('session', widenConnection);
    },
  };
}
