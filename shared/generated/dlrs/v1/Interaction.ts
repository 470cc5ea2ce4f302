// Original file: proto/dlrs/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One user interaction (event) with an item.
 */
export interface Interaction {
  /**
   * The item interacted with. Required, 1 to 256 bytes.
   */
  'itemId'?: (string);
  /**
   * The event type, e.g. "view", "save", "contact", "purchase", "rating". Its weight in the
   * profile comes from the service's event-weight configuration (unknown types weigh 1).
   * At most 64 bytes.
   */
  'eventType'?: (string);
  /**
   * When it happened, in ms since the epoch. 0 = the time the service received it. At most
   * the configured clock skew (default 5 minutes) ahead of the service's clock.
   */
  'timestampMs'?: (number | string | Long);
  /**
   * An explicit weight overriding the event type's weight. Must be finite, > 0 and at most the
   * configured maximum (default 100).
   */
  'weight'?: (number | string);
  /**
   * Idempotency key: an event id seen before is acknowledged and ignored. Optional but
   * recommended for at-least-once producers. At most 256 bytes.
   */
  'eventId'?: (string);
  '_weight'?: "weight";
}

/**
 * One user interaction (event) with an item.
 */
export interface Interaction__Output {
  /**
   * The item interacted with. Required, 1 to 256 bytes.
   */
  'itemId': (string);
  /**
   * The event type, e.g. "view", "save", "contact", "purchase", "rating". Its weight in the
   * profile comes from the service's event-weight configuration (unknown types weigh 1).
   * At most 64 bytes.
   */
  'eventType': (string);
  /**
   * When it happened, in ms since the epoch. 0 = the time the service received it. At most
   * the configured clock skew (default 5 minutes) ahead of the service's clock.
   */
  'timestampMs': (number);
  /**
   * An explicit weight overriding the event type's weight. Must be finite, > 0 and at most the
   * configured maximum (default 100).
   */
  'weight'?: (number);
  /**
   * Idempotency key: an event id seen before is acknowledged and ignored. Optional but
   * recommended for at-least-once producers. At most 256 bytes.
   */
  'eventId': (string);
  '_weight'?: "weight";
}
