import assert from 'node:assert/strict';
import { StageSignal } from './stage-signal.js';

describe('StageSignal', () => {
  it('runs the listeners still added, once, at the first abort, and keeps its reason', () => {
    const signal = new StageSignal();
    const heard: string[] = [];
    const first = (): void => void heard.push('first');
    const removed = (): void => void heard.push('removed');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    assert.equal(signal.aborted, false);
    assert.equal(signal.reason, undefined);
    const reason = new Error('too late');
    signal.abort(reason);
    signal.abort(new Error('again'));
    signal.addEventListener('abort', () => heard.push('after'));
    assert.deepEqual(heard, ['first']);
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, reason);
  });
});
