// Original file: proto/dlrs/v1/common.proto

import type { FilterClause as _dlrs_v1_FilterClause, FilterClause__Output as _dlrs_v1_FilterClause__Output } from '../../dlrs/v1/FilterClause.js';

/**
 * An attribute filter: an item passes when it satisfies every clause (AND).
 * Search results are exact with respect to the filter: never an item that fails it,
 * and k items whenever k matching items exist.
 */
export interface AttributeFilter {
  /**
   * The clauses, all of which must hold. Empty = no filter. At most 32 on the public API.
   */
  'clauses'?: (_dlrs_v1_FilterClause)[];
}

/**
 * An attribute filter: an item passes when it satisfies every clause (AND).
 * Search results are exact with respect to the filter: never an item that fails it,
 * and k items whenever k matching items exist.
 */
export interface AttributeFilter__Output {
  /**
   * The clauses, all of which must hold. Empty = no filter. At most 32 on the public API.
   */
  'clauses': (_dlrs_v1_FilterClause__Output)[];
}
