export { loadProtos, PROTO_ROOT, PROTO_FILES, PROTO_LOADER_OPTIONS } from './load-protos.js';
export type { DlrsProtos, LoadedProtos } from './load-protos.js';
