import { constants } from 'node:http2';
import type { Http2Session } from 'node:http2';

/** How often a client may ping a public server. */
export interface PingPolicy {
  /** Pings closer together than this, with nothing sent by the server in between, are strikes. */
  minPingIntervalMs: number;
  /** Strikes tolerated; the next one ends the connection. */
  maxPingStrikes: number;
}

/**
 * Bytes the server may write between two pings without having sent the client anything but
 * the PING ACK: 17 bytes, 39 in a TLS 1.3 record. The smallest answer (HEADERS, DATA and
 * trailers, at least 35 bytes) with its ACK writes more.
 */
const PING_ACK_WIRE_BYTES_MAX = 48;
/** The GOAWAY debug data gRPC clients look for to slow their keepalive down. */
const TOO_MANY_PINGS = Buffer.from('too_many_pings');

/**
 * Enforces `policy` on one server session, as gRPC core and grpc-go do: a ping that comes
 * sooner than `minPingIntervalMs` after the previous one, while the server has sent nothing
 * but ping answers, is a strike; data sent resets the strikes. Beyond `maxPingStrikes` the
 * session gets GOAWAY with ENHANCE_YOUR_CALM and "too_many_pings" and is closed, cutting its
 * calls. `onViolation` runs just before.
 */
export function enforcePingPolicy(session: Http2Session, policy: PingPolicy, onViolation: () => void, now: () => number = Date.now): void {
  let lastPingMs = Number.NEGATIVE_INFINITY;
  let strikes = 0;
  let writtenAtLastPing = session.socket.bytesWritten;
  session.on('ping', () => {
    if (session.destroyed) return;
    const nowMs = now();
    const written = session.socket.bytesWritten;
    if (written - writtenAtLastPing > PING_ACK_WIRE_BYTES_MAX) strikes = 0;
    else if (nowMs - lastPingMs < policy.minPingIntervalMs) strikes++;
    lastPingMs = nowMs;
    writtenAtLastPing = written;
    if (strikes <= policy.maxPingStrikes) return;
    onViolation();
    session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, session.state.lastProcStreamID ?? 0, TOO_MANY_PINGS);
    session.destroy();
  });
}
