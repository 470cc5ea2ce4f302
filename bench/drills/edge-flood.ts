// An unauthenticated flood of the gateway's public port over raw HTTP/2 sessions (node:http2):
// many connections, each keeping many gRPC streams open with bodies that claim more than the
// message limit and never end, complete oversized bodies, and back-to-back pings. Bounded in
// connections, streams and time; loopback only.
import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';

/** The gRPC length prefix: a flag byte and a 4-byte big-endian length. */
const GRPC_PREFIX_BYTES = 5;

/** How hard and how long to flood. */
export interface EdgeFloodOptions {
  /** `127.0.0.1:port` of the public port. */
  address: string;
  /** Connections that keep streams with unfinished bodies open (reopened when the server closes them). */
  streamConnections: number;
  /** Streams each of them tries to keep open: above the server's limit, to meet it. */
  streamsPerConnection: number;
  /** Connections that send complete bodies larger than the message limit, one after another. */
  oversizedConnections: number;
  /** The length an unfinished body claims. */
  bodyBytes: number;
  /** The size of a complete oversized body. */
  oversizedBodyBytes: number;
  /** Bytes of an unfinished body actually sent before the stream is left hanging. */
  sentBodyBytes: number;
  /** Connections that ping back to back. */
  pingConnections: number;
  /** Pings each of them keeps in flight. */
  pingsInFlight: number;
  /** Ceilings: no more connections or streams than these are opened, whatever the time left. */
  maxConnections: number;
  maxStreams: number;
  /** Rates: new streams and new connections per second at most (the flood's own CPU is bounded, not the server's answers). */
  streamsPerSecond: number;
  connectionsPerSecond: number;
}

/** The rate limiters release their queued openings this often. */
const RELEASE_INTERVAL_MS = 10;

/** Runs queued tasks at most `perSecond` a second, in order. */
class RateLimiter {
  private readonly queue: (() => void)[] = [];
  private credit = 0;

  constructor(private readonly perSecond: number) {}

  push(task: () => void): void {
    this.queue.push(task);
  }

  /** Called every RELEASE_INTERVAL_MS: runs what the rate allows. */
  release(): void {
    this.credit = Math.min(this.credit + (this.perSecond * RELEASE_INTERVAL_MS) / 1000, Math.max(1, this.perSecond / 10));
    while (this.credit >= 1 && this.queue.length > 0) {
      this.credit--;
      this.queue.shift()?.();
    }
  }

  clear(): void {
    this.queue.length = 0;
  }
}

/** What the flood did and how the server answered it. */
export interface EdgeFloodStats {
  connectionsOpened: number;
  /** Connections that could not be opened (refused, reset before SETTINGS). */
  connectionsFailed: number;
  /** GOAWAY frames received, by error code name (NO_ERROR, ENHANCE_YOUR_CALM, …). */
  goaways: Record<string, number>;
  streamsOpened: number;
  /** Streams the server answered with a grpc-status, by status number. */
  grpcStatuses: Record<string, number>;
  /** Streams reset (RST_STREAM) without a grpc-status, by error code name. */
  streamResets: Record<string, number>;
  /** Streams neither answered nor reset when the flood stopped (opened last, or left hanging by the server). */
  streamsOpenAtStop: number;
  pingsSent: number;
  pingsAnswered: number;
}

/** A running flood. */
export interface EdgeFlood {
  /** Stops opening anything, closes every session; resolves with the counts. */
  stop(): Promise<EdgeFloodStats>;
}

/** HTTP/2 error codes (RFC 9113, section 7) by number. */
const CODE_NAMES = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED',
];

function codeName(code: number): string {
  return CODE_NAMES[code] ?? `code ${code}`;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** A gRPC message prefix claiming `lengthBytes`. */
function grpcPrefix(lengthBytes: number): Buffer {
  const prefix = Buffer.alloc(GRPC_PREFIX_BYTES);
  prefix.writeUInt32BE(lengthBytes, 1);
  return prefix;
}

/** The headers of a gRPC call without credentials. */
const REQUEST_HEADERS = {
  ':method': 'POST',
  ':path': '/dlrs.v1.Recommender/UpsertItems',
  'content-type': 'application/grpc',
  te: 'trailers',
};

/** Starts the flood at once; it runs until {@link EdgeFlood.stop}. */
export function startEdgeFlood(options: EdgeFloodOptions): EdgeFlood {
  const stats: EdgeFloodStats = {
    connectionsOpened: 0,
    connectionsFailed: 0,
    goaways: {},
    streamsOpened: 0,
    grpcStatuses: {},
    streamResets: {},
    streamsOpenAtStop: 0,
    pingsSent: 0,
    pingsAnswered: 0,
  };
  const sessions = new Set<ClientHttp2Session>();
  const openStreams = new Set<ClientHttp2Stream>();
  // Zero-filled bodies shared by every stream: the flood's own memory stays small.
  const unfinishedStart = Buffer.concat([grpcPrefix(options.bodyBytes), Buffer.alloc(options.sentBodyBytes)]);
  const oversized = Buffer.concat([grpcPrefix(options.oversizedBodyBytes), Buffer.alloc(options.oversizedBodyBytes)]);
  let stopped = false;
  const streamRate = new RateLimiter(options.streamsPerSecond);
  const connectionRate = new RateLimiter(options.connectionsPerSecond);
  const releaser = setInterval(() => {
    connectionRate.release();
    streamRate.release();
  }, RELEASE_INTERVAL_MS);

  /** Opens a connection that runs `work` once connected and is replaced when the server ends it. */
  const connection = (work: (session: ClientHttp2Session) => void): void => connectionRate.push(() => openConnection(work));
  const openConnection = (work: (session: ClientHttp2Session) => void): void => {
    if (stopped || stats.connectionsOpened >= options.maxConnections) return;
    stats.connectionsOpened++;
    const session = connect(`http://${options.address}`);
    sessions.add(session);
    let connected = false;
    session.on('connect', () => {
      connected = true;
      work(session);
    });
    session.on('goaway', (errorCode) => bump(stats.goaways, codeName(errorCode)));
    session.on('error', () => {
      if (!connected) stats.connectionsFailed++;
    });
    session.on('close', () => {
      sessions.delete(session);
      if (!connected) return;
      // A connection the server ended is opened again: the attacker does not give up.
      connection(work);
    });
  };

  const openStream = (session: ClientHttp2Session, send: (stream: ClientHttp2Stream) => void, onClosed: () => void): void => streamRate.push(() => request(session, send, onClosed));
  const request = (session: ClientHttp2Session, send: (stream: ClientHttp2Stream) => void, onClosed: () => void): void => {
    if (stopped || session.closed || session.destroyed || stats.streamsOpened >= options.maxStreams) return;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request(REQUEST_HEADERS, { endStream: false });
    } catch {
      return;
    }
    stats.streamsOpened++;
    openStreams.add(stream);
    let answered = false;
    const grpcStatusOf = (headers: IncomingHttpHeaders): void => {
      const value = headers['grpc-status'];
      if (typeof value !== 'string' || answered) return;
      answered = true;
      bump(stats.grpcStatuses, value);
      // The server is done with the call (our side of the stream is still open): free the slot for the next.
      if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
    };
    stream.on('response', grpcStatusOf);
    stream.on('trailers', grpcStatusOf);
    stream.on('data', () => undefined);
    stream.on('error', () => undefined);
    stream.on('close', () => {
      openStreams.delete(stream);
      if (stopped) return;
      if (!answered) bump(stats.streamResets, codeName(stream.rstCode ?? 0));
      onClosed();
    });
    send(stream);
  };

  // Unfinished bodies: each stream claims bodyBytes, sends a part and never ends; a closed one is replaced.
  const keepStreamsOpen = (session: ClientHttp2Session): void => {
    const refill = (): void => openStream(session, (stream) => stream.write(unfinishedStart), refill);
    for (let i = 0; i < options.streamsPerConnection; i++) refill();
  };
  // Oversized complete bodies, one after another on each connection.
  const sendOversized = (session: ClientHttp2Session): void => {
    const next = (): void =>
      openStream(
        session,
        (stream) => stream.end(oversized),
        next,
      );
    next();
  };
  // Pings back to back: each answer sends the next at once.
  const pingHard = (session: ClientHttp2Session): void => {
    const ping = (): void => {
      if (stopped || session.closed || session.destroyed) return;
      stats.pingsSent++;
      const sent = session.ping((error) => {
        if (error !== null) return;
        stats.pingsAnswered++;
        ping();
      });
      if (!sent) stats.pingsSent--;
    };
    for (let i = 0; i < options.pingsInFlight; i++) ping();
  };

  for (let i = 0; i < options.streamConnections; i++) connection(keepStreamsOpen);
  for (let i = 0; i < options.oversizedConnections; i++) connection(sendOversized);
  for (let i = 0; i < options.pingConnections; i++) connection(pingHard);

  return {
    async stop() {
      stopped = true;
      clearInterval(releaser);
      streamRate.clear();
      connectionRate.clear();
      stats.streamsOpenAtStop = openStreams.size;
      const closing = [...sessions].map(
        (session) =>
          new Promise<void>((resolve) => {
            if (session.destroyed) return resolve();
            session.once('close', () => resolve());
            session.destroy();
          }),
      );
      await Promise.all(closing);
      return stats;
    },
  };
}
