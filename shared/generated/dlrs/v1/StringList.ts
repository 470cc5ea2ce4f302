// Original file: proto/dlrs/v1/common.proto


/**
 * A list of strings (used where proto3 cannot nest `repeated` directly).
 */
export interface StringList {
  /**
   * The strings, in the order given. On the public API (item features, filters): at most
   * 256 strings of at most 256 bytes each.
   */
  'values'?: (string)[];
}

/**
 * A list of strings (used where proto3 cannot nest `repeated` directly).
 */
export interface StringList__Output {
  /**
   * The strings, in the order given. On the public API (item features, filters): at most
   * 256 strings of at most 256 bytes each.
   */
  'values': (string)[];
}
