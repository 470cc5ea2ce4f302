import assert from 'node:assert/strict';
import { DlrsError } from '../dlrs-error.js';

/** The DlrsError a call failed with; fails the test when the call succeeds or fails with anything else. */
export async function failureOf(promise: Promise<unknown>): Promise<DlrsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DlrsError, `expected a DlrsError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}
