import type { Logger } from '../logging/index.js';
import type { GrpcServer } from './create-grpc-server.js';

/** Signals that ask a dlrs service to stop: Kubernetes sends SIGTERM, a terminal SIGINT. */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * On SIGTERM or SIGINT, shuts the server down gracefully and exits 0 (1 if the
 * shutdown itself failed). A second signal while stopping is ignored, as the
 * drain is already bounded by shutdownTimeoutMs. Returns a function that removes the handlers.
 */
export function installSignalHandlers(
  server: Pick<GrpcServer, 'shutdown'>,
  options: { logger: Logger; exit?: (code: number) => void; onShutdown?: () => Promise<void> },
): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logger = options.logger.child({ component: 'signals' });
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stop signal received');
    server
      .shutdown(signal)
      .then(() => options.onShutdown?.())
      .then(
        () => exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
