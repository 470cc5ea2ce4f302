// Field tags (field number << 3 | wire type) of the search answers in proto/dlrs/v1/retrieval.proto,
// for the hand-written codec on both ends: retrieval's one-pass encoder and the gateway's decoder.
// Wire type 2 = length-delimited, 0 = varint. search-answer-tags.spec.ts holds these against the
// .proto: a field added there without a tag here fails the build instead of being dropped.

/** SearchStreamResponse.request_id */
export const STREAM_REQUEST_ID = (1 << 3) | 2;
/** SearchStreamResponse.response */
export const STREAM_RESPONSE = (2 << 3) | 2;
/** SearchResponse.request_id */
export const RESPONSE_REQUEST_ID = (1 << 3) | 2;
/** SearchResponse.model_version */
export const RESPONSE_MODEL_VERSION = (2 << 3) | 2;
/** SearchResponse.shard */
export const RESPONSE_SHARD = (3 << 3) | 0;
/** SearchResponse.dim */
export const RESPONSE_DIM = (4 << 3) | 0;
/** SearchResponse.results */
export const RESPONSE_RESULTS = (5 << 3) | 2;
/** SearchResult.item_ids */
export const RESULT_ITEM_ID = (1 << 3) | 2;
/** SearchResult.similarities */
export const RESULT_SIMILARITIES = (2 << 3) | 2;
/** SearchResult.embeddings */
export const RESULT_EMBEDDINGS = (3 << 3) | 2;
/** SearchResult.biases */
export const RESULT_BIASES = (4 << 3) | 2;
/** SearchResult.bundle_rows */
export const RESULT_BUNDLE_ROWS = (5 << 3) | 2;
