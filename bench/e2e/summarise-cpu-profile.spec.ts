import assert from 'node:assert/strict';
import { summariseProfile } from './summarise-cpu-profile.js';

describe('summariseProfile', () => {
  it('adds up self time by place and function, charges each sample to its nearest project caller, and leaves idle out', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 9 });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)', ''), children: [2, 4] },
        { id: 2, callFrame: frame('recommend', 'file:///repo/services/gateway/recommend/recommend.ts'), children: [3] },
        { id: 3, callFrame: frame('serialize', 'file:///repo/node_modules/@grpc/proto-loader/build/src/index.js') },
        { id: 4, callFrame: frame('(idle)', '') },
      ],
      // Each sample's time is the delta to the next one (µs).
      samples: [3, 3, 2, 4],
      timeDeltas: [0, 1000, 2000, 1000],
    };
    const summary = summariseProfile(profile);
    assert.equal(summary.busyMs, 4);
    assert.equal(summary.idleMs, 0);
    assert.deepEqual([...summary.byPlace], [['@grpc/proto-loader', 3], ['services/gateway', 1]]);
    assert.deepEqual(summary.byFunction.get('serialize @grpc/proto-loader/build/src/index.js:10'), 3);
    assert.deepEqual([...summary.byProjectCaller], [['recommend services/gateway/recommend/recommend.ts:10', 4]]);
  });
});
