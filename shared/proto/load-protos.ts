import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as RankingGrpc } from '../generated/ranking.js';
import type { ProtoGrpcType as RetrievalGrpc } from '../generated/retrieval.js';
import type { ProtoGrpcType as RecommenderGrpc } from '../generated/recommender.js';

/** The folder holding `dlrs/v1/*.proto`: the first `proto/` above this module, from the sources or from dist/. */
export const PROTO_ROOT = findProtoRoot(dirname(fileURLToPath(import.meta.url)));

function findProtoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'dlrs/v1/common.proto'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no proto/dlrs/v1/common.proto above ${from}: the package is incomplete`);
  }
}

/** The dlrs proto files, relative to PROTO_ROOT. */
export const PROTO_FILES = ['dlrs/v1/common.proto', 'dlrs/v1/ranking.proto', 'dlrs/v1/retrieval.proto', 'dlrs/v1/recommender.proto'];

/**
 * Loader options; they must match the flags of scripts/gen-types.mjs so that the
 * generated types describe the objects grpc-js hands to handlers.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

/** The dlrs.v1 services and messages as grpc-js constructors, typed from shared/generated. */
export type DlrsProtos = RankingGrpc & RetrievalGrpc & RecommenderGrpc;

/** The loaded contracts: the package definition (for reflection) and the typed grpc object. */
export interface LoadedProtos {
  packageDefinition: PackageDefinition;
  grpcObject: DlrsProtos;
}

let loaded: LoadedProtos | undefined;

/** Loads proto/dlrs/v1 once per process. */
export function loadProtos(): LoadedProtos {
  if (!loaded) {
    const packageDefinition = protoLoader.loadSync(PROTO_FILES, PROTO_LOADER_OPTIONS);
    const grpcObject = grpc.loadPackageDefinition(packageDefinition) as unknown as DlrsProtos;
    loaded = { packageDefinition, grpcObject };
  }
  return loaded;
}
