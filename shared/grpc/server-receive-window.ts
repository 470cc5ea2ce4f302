import type { Http2Session } from 'node:http2';
import type { Server } from '@grpc/grpc-js';
import { http2ServerOptionsOf, onHttp2Session } from './http2-sessions.js';

/**
 * Makes a grpc-js server advertise a receive window of `bytes` for every stream and for each
 * connection, instead of HTTP/2's 64 KiB. With 64 KiB a long-lived stream whose requests are
 * tens of kB (RankStream: 300 candidates' embeddings, 77 kB) needs a window update from this
 * server's event loop for every request: when the loop is busy for a few milliseconds the
 * client stalls, requests queue behind each other and the stream's throughput falls below the
 * request rate for good. Internal servers only: on a public port the window is memory a client
 * may fill without finishing a message. Call before start(); `afterBind` must run once the
 * port is bound. Returns false (nothing changed) when grpc-js no longer has the fields.
 */
export function widenReceiveWindow(server: Server, bytes: number): { applied: boolean; afterBind(): void } {
  const options = http2ServerOptionsOf(server);
  if (options === undefined) return { applied: false, afterBind: () => undefined };
  options.settings = { ...options.settings, initialWindowSize: bytes };
  const widenConnection = (session: Http2Session): void => session.setLocalWindowSize(bytes);
  return { applied: true, afterBind: () => void onHttp2Session(server, widenConnection) };
}
