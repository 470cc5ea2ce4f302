// The reference answers a bundle carries (probes.json, computed at export with its own networks
// and exact search) against what the real tiers serve for the same requests.
import assert from 'node:assert/strict';
import { credentials } from '@grpc/grpc-js';
import { OWN_CONNECTION, callUnary } from '../../shared/grpc/index.js';
import type { RecommenderClient } from '../../shared/generated/dlrs/v1/Recommender.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import { loadProtos } from '../../shared/proto/index.js';
import { compareProbeAnswer, DEFAULT_PROBE_TOLERANCE } from '../../bin/rollout/compare-probe-answer.js';
import { startServingStack } from '../fixtures/serving-stack.js';
import type { ServingStack } from '../fixtures/serving-stack.js';

describe("bundle probes: a trained bundle's reference answers are what real ranking and two real retrieval shards serve", function () {
  this.timeout(120_000);
  let stack: ServingStack;
  let client: RecommenderClient;

  before(async () => {
    stack = await startServingStack({ shards: 2 });
    client = new (loadProtos().grpcObject.dlrs.v1.Recommender)(stack.address, credentials.createInsecure(), OWN_CONNECTION);
  });

  after(async () => {
    client?.close();
    await stack?.stop();
  });

  it('every probe is answered within the rollout tolerance by the bundle it came with; another probe’s reference is not', async () => {
    const probes = stack.bundle.probes;
    assert.ok(probes !== undefined && probes.probes.length > 0, 'the trained bundle carries probes');
    const answers: RecommendResponse__Output[] = [];
    for (const probe of probes.probes) {
      const request = { context: { interactions: probe.interactions.map((e) => ({ ...e })) }, k: probes.k, candidates: probes.candidates };
      const answer: RecommendResponse__Output = await callUnary<RecommendResponse__Output>((md, o, cb) => client.Recommend(request, md, o, cb), { deadline: Date.now() + 10_000 });
      assert.equal(answer.modelVersion, stack.bundle.manifest.modelVersion);
      assert.equal(answer.degraded, false);
      const served = answer.items.map((item) => ({ itemId: item.itemId, score: item.score }));
      assert.equal(compareProbeAnswer(probe.answer, served, DEFAULT_PROBE_TOLERANCE), undefined, `probe of ${probe.interactions.map((e) => e.itemId).join(', ')}`);
      answers.push(answer);
    }
    // The comparison can fail: the first probe's reference does not fit the second probe's answer.
    const second = answers[1].items.map((item) => ({ itemId: item.itemId, score: item.score }));
    assert.notEqual(compareProbeAnswer(probes.probes[0].answer, second, DEFAULT_PROBE_TOLERANCE), undefined);
  });
});
