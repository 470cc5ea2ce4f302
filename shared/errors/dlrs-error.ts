import { codeFromGrpcStatus, isDlrsErrorCode } from './error-codes.js';
import type { DlrsErrorCode } from './error-codes.js';

/** Trailing-metadata keys that carry the dlrs code and field across a gRPC call. */
export const ERROR_CODE_METADATA_KEY = 'dlrs-error-code';
export const ERROR_FIELD_METADATA_KEY = 'dlrs-error-field';

/** The message a client sees for an unexpected error; the cause stays in the server log. */
export const INTERNAL_ERROR_MESSAGE = 'internal error';

/** Options of a {@link DlrsError}. */
export interface DlrsErrorOptions {
  /** The request field at fault (for INVALID_ARGUMENT and the like); the message is prefixed with it. */
  field?: string;
  /** The underlying error; logged, never sent to a client. */
  cause?: unknown;
}

/** The shape of a gRPC client error, without importing grpc-js. */
export interface GrpcServiceErrorLike {
  code: number;
  details?: string;
  message?: string;
  metadata?: { get(key: string): unknown[] };
}

/**
 * The one error class of dlrs: a code from a closed set, a message safe to show
 * a client (naming the field when there is one) and an optional cause.
 */
export class DlrsError extends Error {
  override readonly name = 'DlrsError';
  readonly code: DlrsErrorCode;
  readonly field: string | undefined;
  /** The message without the field prefix. */
  readonly rawMessage: string;

  constructor(code: DlrsErrorCode, message: string, options: DlrsErrorOptions = {}) {
    super(options.field === undefined ? message : `${options.field}: ${message}`, { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.rawMessage = message;
  }

  /**
   * Converts anything thrown into a DlrsError: a DlrsError is returned as is,
   * a gRPC client error is converted with {@link DlrsError.fromGrpc}, an abort
   * becomes CANCELLED, and everything else becomes INTERNAL with a generic
   * message and the original as cause.
   */
  static from(value: unknown): DlrsError {
    if (value instanceof DlrsError) return value;
    if (isGrpcServiceError(value)) return DlrsError.fromGrpc(value);
    if (value instanceof Error && value.name === 'AbortError') {
      return new DlrsError('CANCELLED', 'the call was cancelled', { cause: value });
    }
    return new DlrsError('INTERNAL', INTERNAL_ERROR_MESSAGE, { cause: value });
  }

  /**
   * Rebuilds a DlrsError from a gRPC client-side error. The dlrs code and field
   * travel in trailing metadata; without them (a non-dlrs server, a transport
   * failure) the numeric gRPC status decides.
   */
  static fromGrpc(error: GrpcServiceErrorLike): DlrsError {
    const sentCode = firstString(error.metadata?.get(ERROR_CODE_METADATA_KEY));
    const code = isDlrsErrorCode(sentCode) ? sentCode : codeFromGrpcStatus(error.code);
    const field = firstString(error.metadata?.get(ERROR_FIELD_METADATA_KEY));
    return new DlrsError(code, withoutField(error.details ?? error.message ?? '', field), { field, cause: error });
  }

  /**
   * Rebuilds a DlrsError from the ErrorStatus a multiplexed stream carries in band for one
   * failed request (the gRPC code, the message, the field or '').
   */
  static fromStatus(status: InBandErrorStatus): DlrsError {
    const field = status.field === '' ? undefined : status.field;
    return new DlrsError(codeFromGrpcStatus(status.code), withoutField(status.message, field), { field });
  }
}

/** The in-band failure of one request on a stream (dlrs.v1.ErrorStatus as a client reads it). */
export interface InBandErrorStatus {
  code: number;
  message: string;
  field: string;
}

/** A message sent as `field: message` without its prefix. */
function withoutField(details: string, field: string | undefined): string {
  const prefix = field === undefined ? '' : `${field}: `;
  return field !== undefined && details.startsWith(prefix) ? details.slice(prefix.length) : details;
}

function isGrpcServiceError(value: unknown): value is GrpcServiceErrorLike {
  if (!(value instanceof Error)) return false;
  const candidate = value as Error & { code?: unknown; metadata?: unknown };
  return typeof candidate.code === 'number' && typeof candidate.metadata === 'object' && candidate.metadata !== null;
}

function firstString(values: unknown[] | undefined): string | undefined {
  const first = values?.[0];
  return typeof first === 'string' ? first : undefined;
}
