import { DlrsError, toGrpcStatus } from '../errors/index.js';
import type { ErrorStatus } from '../generated/dlrs/v1/ErrorStatus.js';
import type { Logger } from '../logging/index.js';

/**
 * The ErrorStatus of one failed request on a multiplexed stream, mapped as the shared server
 * wrapper maps a failed call; an unexpected error is logged with its cause and sent as INTERNAL.
 */
export function streamErrorStatus(thrown: unknown, logger: Logger, requestId: string): ErrorStatus {
  const error = DlrsError.from(thrown);
  if (error.code === 'INTERNAL') logger.error({ err: error.cause ?? error, requestId }, 'stream request failed unexpectedly');
  const status = toGrpcStatus(error);
  return { code: status.code, message: status.details, field: error.field ?? '' };
}
