/**
 * What cancelling a call needs of a signal. An AbortSignal is one; so is a lighter stand-in for
 * hot paths (an AbortController with one abort listener costs several microseconds to make).
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Why it aborted; undefined while it has not. */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
