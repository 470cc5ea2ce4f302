// Original file: proto/dlrs/v1/recommender.proto


/**
 * One recommended item.
 */
export interface Recommendation {
  /**
   * The item id.
   */
  'itemId'?: (string);
  /**
   * RankNet's score p(item | user) in [0, 1]; in retrieval order answers, the similarity.
   */
  'score'?: (number | string);
  /**
   * Retrieval similarity e_u . e_i.
   */
  'similarity'?: (number | string);
  /**
   * 1-based position in the answer.
   */
  'rank'?: (number);
  /**
   * The item's display title, when known.
   */
  'title'?: (string);
}

/**
 * One recommended item.
 */
export interface Recommendation__Output {
  /**
   * The item id.
   */
  'itemId': (string);
  /**
   * RankNet's score p(item | user) in [0, 1]; in retrieval order answers, the similarity.
   */
  'score': (number);
  /**
   * Retrieval similarity e_u . e_i.
   */
  'similarity': (number);
  /**
   * 1-based position in the answer.
   */
  'rank': (number);
  /**
   * The item's display title, when known.
   */
  'title': (string);
}
