import type { Logger } from 'pino';
import type { ErrorStatus } from '../../shared/generated/dlrs/v1/ErrorStatus.js';
import { RankingError } from './ranking-error.js';
import type { RankingErrorCode } from './ranking-error.js';

/** gRPC status numbers (fixed by the gRPC specification). */
const GRPC_STATUS: Readonly<Record<RankingErrorCode, number>> = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
};

/** The message a client sees for an unexpected error; the cause goes to the log. */
const INTERNAL_MESSAGE = 'internal error';

/** The ErrorStatus of one failed request on a multiplexed stream; unexpected errors are logged and hidden. */
export function errorStatus(error: unknown, logger: Logger): ErrorStatus {
  if (error instanceof RankingError && error.code !== 'INTERNAL') {
    return { code: GRPC_STATUS[error.code], message: error.message, field: error.field ?? '' };
  }
  logger.error({ err: error }, 'stream request failed unexpectedly');
  return { code: GRPC_STATUS.INTERNAL, message: INTERNAL_MESSAGE, field: '' };
}
