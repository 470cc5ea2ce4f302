import { Metadata } from '@grpc/grpc-js';
import { toGrpcStatus } from '../errors/index.js';
import type { DlrsError } from '../errors/index.js';

/** A call's final status as grpc-js sends it. */
export interface CallStatus {
  code: number;
  details: string;
  metadata: Metadata;
}

/** The status a call refused or failed with `error` ends with: toGrpcStatus, its trailers as grpc Metadata. */
export function callStatusOf(error: DlrsError): CallStatus {
  const mapped = toGrpcStatus(error);
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(mapped.trailers)) metadata.set(key, value);
  return { code: mapped.code, details: mapped.details, metadata };
}
