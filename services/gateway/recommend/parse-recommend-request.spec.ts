import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlrsError } from '../../../shared/errors/index.js';
import type { FeatureSpec, Item } from '../../../shared/features/index.js';
import type { RecommendRequest__Output } from '../../../shared/generated/dlrs/v1/RecommendRequest.js';
import { EmbeddedProfileStore } from '../profile-store/index.js';
import { learnEvents } from '../profiles/index.js';
import type { GatewayEvent, StoredProfile } from '../profiles/index.js';
import { parseRecommendRequest } from './parse-recommend-request.js';
import type { RecommendLimits, ResolveUserDeps } from './parse-recommend-request.js';

const SPEC: FeatureSpec = {
  features: [
    { name: 'genre', kind: 'multi', vocabulary: ['<oov>', 'drama', 'comedy'] },
    { name: 'year', kind: 'continuous', mean: 2000, std: 10 },
  ],
  itemIds: ['<oov>', 'i1', 'i2'],
  bagLength: 4,
  eventWeights: {},
};
const FEATURES = new Map<string, Item['features']>([
  ['i1', { genre: ['drama'], year: 1990 }],
  ['i2', { genre: ['comedy'], year: 2010 }],
]);
const LIMITS: RecommendLimits = { maxK: 100, maxCandidates: 1000, maxExcludeIds: 3, maxContextInteractions: 2, maxTimeoutMs: 5000, maxEventWeight: 100, maxEventFutureMs: 300_000 };

function request(overrides: Partial<RecommendRequest__Output>): RecommendRequest__Output {
  return { requestId: 'r', k: 0, candidates: 0, excludeIds: [], filter: null, includeSeen: false, timeoutMs: 0, traceContext: {}, queryMode: 'QUERY_MODE_UNSPECIFIED', similarItems: null, user: 'userId', userId: 'u1', ...overrides };
}

describe('parseRecommendRequest', () => {
  let dir: string;
  let store: EmbeddedProfileStore<StoredProfile, GatewayEvent>;
  let deps: ResolveUserDeps;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dlrs-parse-recommend-'));
    store = await EmbeddedProfileStore.open({ path: join(dir, 'profiles.aof') });
    await store.apply('u1', [{ itemId: 'i1', eventType: 'view', timestamp: 5 }], learnEvents(SPEC, FEATURES, 9));
    deps = { store, spec: () => SPEC, itemFeatures: async (ids) => new Map(ids.map((id) => [id, FEATURES.get(id)])) };
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const parse = (overrides: Partial<RecommendRequest__Output>) => parseRecommendRequest(request(overrides), LIMITS, deps, 1000);
  const rejectsAt = (overrides: Partial<RecommendRequest__Output>, field: string) =>
    assert.rejects(parse(overrides), (error) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === field);

  it('fills in the contract defaults and resolves a stored user', async () => {
    const { userId, query } = await parse({});
    assert.equal(userId, 'u1');
    assert.equal(query.k, 10);
    assert.equal(query.candidates, 300);
    assert.deepEqual(query.profile?.recentItems, [{ itemId: 'i1', weight: 1, timestampMs: 5 }]);
    assert.equal(query.profile?.updatedAtMs, 9);
    assert.equal((await parse({ k: 50, candidates: 50 })).query.candidates, 50);
  });

  it('leaves an unknown user and an empty context without a profile (the popular fallback)', async () => {
    assert.equal((await parse({ userId: 'stranger' })).query.profile, undefined);
    assert.equal((await parse({ user: 'context', userId: undefined, context: { interactions: [], attributes: {} } })).query.profile, undefined);
  });

  it("learns an inline context's profile with its items' features", async () => {
    const interactions = [
      { itemId: 'i1', eventType: 'view', timestampMs: 0, eventId: '' },
      { itemId: 'i2', eventType: 'view', timestampMs: 2000, eventId: '' },
    ];
    const { userId, query } = await parse({ user: 'context', userId: undefined, context: { interactions, attributes: { country: 'de' } } });
    assert.equal(userId, '');
    assert.deepEqual(query.profile?.recentItems?.map((r) => [r.itemId, r.timestampMs]), [['i2', 2000], ['i1', 1000]]);
    assert.equal(query.profile?.continuous?.[0].mean, 2000);
    assert.deepEqual(query.profile?.attributes, { country: 'de' });
  });

  it('names the bad field', async () => {
    await rejectsAt({ user: undefined, userId: undefined }, 'user');
    await rejectsAt({ userId: '' }, 'user_id');
    await rejectsAt({ k: 101 }, 'k');
    await rejectsAt({ k: 20, candidates: 10 }, 'candidates');
    await rejectsAt({ candidates: 1001 }, 'candidates');
    await rejectsAt({ excludeIds: ['a', 'b', 'c', 'd'] }, 'exclude_ids');
    await rejectsAt({ excludeIds: ['a', ''] }, 'exclude_ids[1]');
    const context = (n: number) => ({ interactions: Array.from({ length: n }, () => ({ itemId: 'i1', eventType: 'view', timestampMs: 0, eventId: '' })), attributes: {} });
    await rejectsAt({ user: 'context', userId: undefined, context: context(3) }, 'context.interactions');
    await rejectsAt({ user: 'context', userId: undefined, context: { interactions: [{ itemId: '', eventType: '', timestampMs: 0, eventId: '' }], attributes: {} } }, 'context.interactions[0].item_id');
    await rejectsAt({ filter: { clauses: [{ field: 'colour', equals: 'red', condition: 'equals' }] } }, 'filter.clauses[0].field');
    await rejectsAt({ filter: { clauses: [{ field: 'genre', range: { min: 1 }, condition: 'range' }] } }, 'filter.clauses[0].range');
    await rejectsAt({ filter: { clauses: [{ field: 'year', range: { min: 2, max: 1 }, condition: 'range' }] } }, 'filter.clauses[0].range');
    await rejectsAt({ filter: { clauses: [{ field: 'year', equals: '1990', condition: 'equals' }] } }, 'filter.clauses[0].equals');
    await rejectsAt({ filter: { clauses: [{ field: 'genre', anyOf: { values: [] }, condition: 'anyOf' }] } }, 'filter.clauses[0].any_of');
    await rejectsAt({ filter: { clauses: [{ field: 'genre' }] } }, 'filter.clauses[0]');
  });

  it('accepts a valid filter as given', async () => {
    const filter = { clauses: [{ field: 'genre', anyOf: { values: ['drama'] }, condition: 'anyOf' as const }, { field: 'year', range: { max: 2000 }, condition: 'range' as const }] };
    assert.deepEqual((await parse({ filter })).query.filter, filter);
  });
});
