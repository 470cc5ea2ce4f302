import assert from 'node:assert/strict';
import { loadProtos } from './load-protos.js';

describe('loadProtos', () => {
  it('exposes the three dlrs.v1 services with their methods', () => {
    const { grpcObject } = loadProtos();
    const v1 = grpcObject.dlrs.v1;
    assert.ok(v1.Recommender.service.Recommend, 'Recommender.Recommend');
    assert.equal(v1.Recommender.service.RecommendStream.requestStream, true);
    assert.ok(v1.Retrieval.service.SearchStream.responseStream);
    assert.ok(v1.Ranking.service.RankStream.requestStream);
  });

  it('round-trips embeddings as bytes and int64 timestamps as numbers', () => {
    const { grpcObject } = loadProtos();
    const rank = grpcObject.dlrs.v1.Ranking.service.Rank;
    const e = new Float32Array([0.5, -1.25, 3]);
    const wire = rank.requestSerialize({ requestId: 'r1', dim: 3, userEmbedding: Buffer.from(e.buffer) });
    const back = rank.requestDeserialize(wire);
    const bytes = back.userEmbedding;
    assert.deepEqual(Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))), [0.5, -1.25, 3]);
    const record = grpcObject.dlrs.v1.Recommender.service.RecordInteractions;
    const events = record.requestDeserialize(record.requestSerialize({ events: [{ userId: 'u', interaction: { itemId: 'i', timestampMs: 1_700_000_000_123 } }] }));
    assert.equal(events.events[0]?.interaction?.timestampMs, 1_700_000_000_123);
  });
});
