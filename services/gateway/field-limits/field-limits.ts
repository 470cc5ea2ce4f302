/**
 * The length caps of every string, list and map of the public API (recommender.proto and the
 * common.proto messages it carries), in one place. Counts that depend on the deployment
 * (events per batch, items per call, context interactions, exclusions) are configuration
 * instead (gateway-config.ts). Every string cap is in bytes of UTF-8, so that a cap bounds
 * memory whatever the script. docs/limits.md lists them; change both together.
 */

/** User, item and event ids: keys of the profile store, the index and the dedupe windows; a UUID is 36 bytes. */
export const MAX_ID_BYTES = 256;
/** A caller's correlation id, echoed back: as long as an event id, which a Session's push echoes as its request id. */
export const MAX_REQUEST_ID_BYTES = MAX_ID_BYTES;
/** Event types are short names such as "view" or "purchase". */
export const MAX_EVENT_TYPE_BYTES = 64;
/** Trace context holds `traceparent` and `tracestate`; a little room for what propagators add. */
export const MAX_TRACE_CONTEXT_ENTRIES = 4;
/** Trace context keys are header names. */
export const MAX_TRACE_CONTEXT_KEY_BYTES = 64;
/** W3C Trace Context asks vendors to propagate `tracestate` up to 512 characters; `traceparent` is 55. */
export const MAX_TRACE_CONTEXT_VALUE_BYTES = 512;
/** Demographic or context attributes of an inline user: a model has a handful of them. */
export const MAX_ATTRIBUTES = 64;
/** An attribute name is a feature name. */
export const MAX_ATTRIBUTE_KEY_BYTES = 128;
/** An attribute value is a category such as a country or an age band. */
export const MAX_ATTRIBUTE_VALUE_BYTES = 256;
/** One clause per feature is the most a filter needs; models have tens of features. */
export const MAX_FILTER_CLAUSES = 32;
/** Feature names (filter fields, item feature keys) are identifiers from the feature spec. */
export const MAX_FEATURE_NAME_BYTES = 128;
/** A categorical value (a genre, a fuel type, a tag) or a filter value compared with one. */
export const MAX_FEATURE_TEXT_BYTES = 256;
/** Values of one multi-valued feature or of one any_of clause: a few hundred tags at most. */
export const MAX_FEATURE_TEXTS = 256;
/** Features of one item: the feature spec has tens of them, never hundreds. */
export const MAX_ITEM_FEATURES = 256;
/** A display title: a film or listing title, with room for long ones. */
export const MAX_TITLE_BYTES = 1024;
/** SimilarItems' item_ids: a "more like this" of a handful of items, not a profile. */
export const MAX_SIMILAR_QUERY_ITEMS = 20;
