export { DlrsError, INTERNAL_ERROR_MESSAGE, ERROR_CODE_METADATA_KEY, ERROR_FIELD_METADATA_KEY } from './dlrs-error.js';
export type { DlrsErrorOptions, GrpcServiceErrorLike, InBandErrorStatus } from './dlrs-error.js';
export { DLRS_ERROR_CODES, GRPC_STATUS_BY_CODE, codeFromGrpcStatus, isDlrsErrorCode } from './error-codes.js';
export type { DlrsErrorCode } from './error-codes.js';
export { toGrpcStatus } from './grpc-status.js';
export type { GrpcStatus } from './grpc-status.js';
