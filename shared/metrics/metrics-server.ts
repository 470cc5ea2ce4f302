import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/index.js';
import type { MetricsRegistry } from './metrics-registry.js';

/** A running metrics HTTP server. */
export interface MetricsServer {
  /** The bound port (the ephemeral one when 0 was asked). */
  readonly port: number;
  /** Stops listening; safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  metrics: MetricsRegistry;
  /** Readiness for `/readyz` (the gRPC server's, so probes and health agree). */
  isReady: () => boolean;
  logger: Logger;
}

/**
 * Serves `/metrics` (Prometheus text), `/healthz` (200 while the process runs)
 * and `/readyz` (200 only when ready, 503 otherwise) on the service's metrics port.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const logger = options.logger.child({ component: 'metrics-server' });
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      options.metrics.handleScrape(request, response);
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ready = options.isReady();
      response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready\n');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz, /readyz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: options.host, port }, 'metrics server listening');
  let closed: Promise<void> | undefined;
  return {
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
