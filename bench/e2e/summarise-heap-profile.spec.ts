import assert from 'node:assert/strict';
import { summariseAllocations } from './summarise-heap-profile.js';

describe('summariseAllocations', () => {
  it('adds up sampled bytes by place and function, and charges each to its nearest project caller', () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 4 });
    const head = {
      callFrame: frame('(root)', ''),
      selfSize: 0,
      children: [
        {
          callFrame: frame('mergeCandidates', 'file:///repo/services/gateway/recommend/merge-candidates.ts'),
          selfSize: 100,
          children: [{ callFrame: frame('sort', ''), selfSize: 300, children: [] }],
        },
        { callFrame: frame('write', 'file:///repo/node_modules/@grpc/grpc-js/build/src/x.js'), selfSize: 50, children: [] },
      ],
    };
    const summary = summariseAllocations(head);
    assert.equal(summary.totalBytes, 450);
    assert.equal(summary.byPlace.get('services/gateway'), 100);
    assert.equal(summary.byPlace.get('@grpc/grpc-js'), 50);
    assert.equal(summary.byFunction.get('sort :5'), 300);
    assert.equal(summary.byProjectCaller.get('mergeCandidates services/gateway/recommend/merge-candidates.ts:5'), 400);
    assert.equal(summary.byProjectCaller.get('(no project frame)'), 50);
  });
});
