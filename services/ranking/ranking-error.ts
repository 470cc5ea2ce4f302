/**
 * The codes the ranking service raises; a subset of shared/errors' closed set, with the
 * same names, so that this module is replaced by shared/errors' DlrsError once it lands.
 */
export type RankingErrorCode =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'DEADLINE_EXCEEDED'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

/** Options of a {@link RankingError}. */
export interface RankingErrorOptions {
  /** The request field at fault; the message is prefixed with it. */
  field?: string;
  /** The underlying error; logged, never sent to a client. */
  cause?: unknown;
}

/** An error with a gRPC-meaningful code and, for argument errors, the field at fault. */
export class RankingError extends Error {
  override readonly name = 'RankingError';
  readonly code: RankingErrorCode;
  readonly field: string | undefined;

  constructor(code: RankingErrorCode, message: string, options: RankingErrorOptions = {}) {
    super(options.field === undefined ? message : `${options.field}: ${message}`, { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}
