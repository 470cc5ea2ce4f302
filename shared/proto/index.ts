export { loadProtos, PROTO_ROOT, PROTO_FILES, PROTO_LOADER_OPTIONS } from './load-protos.js';
export type { DlrsProtos, LoadedProtos } from './load-protos.js';
export { NO_BUNDLE_ROW, bundleRowAt, bundleRowsBytes } from './bundle-row.js';
export { STREAM_REQUEST_ID, STREAM_RESPONSE, RESPONSE_REQUEST_ID, RESPONSE_MODEL_VERSION, RESPONSE_SHARD, RESPONSE_DIM, RESPONSE_RESULTS, RESULT_ITEM_ID, RESULT_SIMILARITIES, RESULT_EMBEDDINGS, RESULT_BIASES, RESULT_BUNDLE_ROWS } from './search-answer-tags.js';
