import { ERROR_CODE_METADATA_KEY, ERROR_FIELD_METADATA_KEY } from './dlrs-error.js';
import type { DlrsError } from './dlrs-error.js';
import { GRPC_STATUS_BY_CODE } from './error-codes.js';

/** A gRPC status as grpc-js servers accept it; `metadata` holds the dlrs code and field as trailers. */
export interface GrpcStatus {
  code: number;
  details: string;
  /** Trailing metadata entries (key to value); the server wrapper turns them into grpc Metadata. */
  trailers: Readonly<Record<string, string>>;
}

/** The single mapping from a DlrsError to the gRPC status a client receives. */
export function toGrpcStatus(error: DlrsError): GrpcStatus {
  const trailers: Record<string, string> = { [ERROR_CODE_METADATA_KEY]: error.code };
  if (error.field !== undefined) trailers[ERROR_FIELD_METADATA_KEY] = error.field;
  return { code: GRPC_STATUS_BY_CODE[error.code], details: error.message, trailers };
}
