/**
 * The closed set of error codes dlrs uses. Each has the meaning gRPC gives it;
 * docs/errors.md documents all of them (a spec checks that).
 */
export const DLRS_ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'DEADLINE_EXCEEDED',
  'UNAVAILABLE',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'ALREADY_EXISTS',
  'CANCELLED',
  'INTERNAL',
] as const;

/** One of {@link DLRS_ERROR_CODES}. */
export type DlrsErrorCode = (typeof DLRS_ERROR_CODES)[number];

/**
 * Numeric gRPC status code per dlrs code. The numbers are fixed by the gRPC
 * specification (doc/statuscodes.md); they are written here rather than imported
 * from @grpc/grpc-js so that code outside the gRPC path (trainer, CLI) can use
 * errors without loading grpc-js before telemetry starts.
 */
export const GRPC_STATUS_BY_CODE: Readonly<Record<DlrsErrorCode, number>> = Object.freeze({
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
});

/** gRPC status codes outside the dlrs set, folded into the nearest dlrs code. */
const FOLDED_GRPC_STATUS: Readonly<Record<number, DlrsErrorCode>> = Object.freeze({
  2: 'INTERNAL', // UNKNOWN
  10: 'UNAVAILABLE', // ABORTED: a retry may succeed
  11: 'INVALID_ARGUMENT', // OUT_OF_RANGE
  12: 'INTERNAL', // UNIMPLEMENTED: a contract mismatch between deployed versions
  15: 'INTERNAL', // DATA_LOSS
});

/** The dlrs code for a numeric gRPC status (anything unknown becomes INTERNAL). */
export function codeFromGrpcStatus(grpcStatus: number): DlrsErrorCode {
  const direct = DLRS_ERROR_CODES.find((code) => GRPC_STATUS_BY_CODE[code] === grpcStatus);
  return direct ?? FOLDED_GRPC_STATUS[grpcStatus] ?? 'INTERNAL';
}

/** Whether a string is one of the dlrs codes. */
export function isDlrsErrorCode(value: unknown): value is DlrsErrorCode {
  return typeof value === 'string' && (DLRS_ERROR_CODES as readonly string[]).includes(value);
}
