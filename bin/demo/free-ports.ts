import { createServer } from 'node:net';
import type { Server } from 'node:net';

/**
 * `count` distinct ports that are free on `host` now: all are held open together (so the
 * kernel hands out different ones), then released for the services to bind. Another program
 * could take one in between; the service would then fail to start and say so.
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
    }
    return servers.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error(`no TCP port for ${host}`);
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
