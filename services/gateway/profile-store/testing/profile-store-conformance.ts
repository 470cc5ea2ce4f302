import assert from 'node:assert/strict';
import type { ProfileStore, ProfileUpdate } from '../profile-store.js';

/** The profile the conformance suite stores: the labels of the applied events, in order. */
export interface ConformanceProfile {
  userId: string;
  applied: string[];
}

/** The event the conformance suite applies. */
export interface ConformanceEvent {
  eventId?: string;
  label: string;
}

/** The storage behind one test: handles opened on it see the same data. */
export interface ConformanceBacking {
  /** Opens a handle; with `concurrentHandles`, several may be open at once. */
  open(): Promise<ProfileStore<ConformanceProfile, ConformanceEvent>>;
  /** Whether several handles may be open at once (Redis: gateway replicas; embedded: one owner). */
  concurrentHandles: boolean;
  /** Removes what the backing holds. */
  dispose(): Promise<void>;
}

/** Creates an empty backing for one test. */
export type ConformanceBackingFactory = (options: { dedupeWindowPerUser: number }) => Promise<ConformanceBacking>;

/**
 * The test runner's hooks, passed in by the calling spec (mocha's globals), so that this
 * module stays free of test-runner imports and builds with the production code.
 */
export interface TestRunner {
  it(title: string, test: () => Promise<void>): unknown;
  beforeEach(hook: () => Promise<void>): unknown;
  afterEach(hook: () => Promise<void>): unknown;
}

/** The trivial update the suite uses: append the fresh events' labels. */
export const appendLabels: ProfileUpdate<ConformanceProfile, ConformanceEvent> = (current, fresh, userId) => ({
  userId,
  applied: [...(current?.applied ?? []), ...fresh.map((event) => event.label)],
});

// Above the concurrency test's 50 events on one user, so that its racing id stays remembered.
const WINDOW = 64;

/**
 * The behaviour every ProfileStore implementation must show. Call inside a `describe` with
 * mocha's `{ it, beforeEach, afterEach }`; `factory()` is read when each test starts, so a
 * `before` hook may set it up or skip.
 */
export function profileStoreConformance(factory: () => ConformanceBackingFactory, { it, beforeEach, afterEach }: TestRunner): void {
  let backing: ConformanceBacking;
  let store: ProfileStore<ConformanceProfile, ConformanceEvent>;
  const event = (label: string, eventId: string | undefined = label): ConformanceEvent => ({ label, eventId });

  beforeEach(async () => {
    backing = await factory()({ dedupeWindowPerUser: WINDOW });
    store = await backing.open();
  });

  afterEach(async () => {
    await store.close();
    await backing.dispose();
  });

  it('has no profile for an unknown user and deletes nothing', async () => {
    assert.equal(await store.get('nobody'), undefined);
    assert.equal(await store.delete('nobody'), false);
  });

  it('creates a profile from the first batch and folds later batches into it', async () => {
    const first = await store.apply('u1', [event('a'), event('b')], appendLabels);
    assert.deepEqual(first, { profile: { userId: 'u1', applied: ['a', 'b'] }, accepted: 2, applied: [event('a'), event('b')], duplicates: 0 });
    await store.apply('u1', [event('c')], appendLabels);
    assert.deepEqual(await store.get('u1'), { userId: 'u1', applied: ['a', 'b', 'c'] });
    assert.equal(await store.get('u2'), undefined, 'users are separate');
  });

  it('ignores event ids seen before, in earlier batches and within the batch, and never ids that are empty', async () => {
    await store.apply('u1', [event('a'), event('b')], appendLabels);
    const result = await store.apply('u1', [event('a-again', 'a'), event('c'), event('c-again', 'c'), event('x', ''), event('y', undefined), event('y2', undefined)], appendLabels);
    assert.equal(result.accepted, 4);
    assert.equal(result.duplicates, 2);
    assert.deepEqual(result.applied.map((e) => e.label), ['c', 'x', 'y', 'y2']);
    assert.deepEqual((await store.get('u1'))?.applied, ['a', 'b', 'c', 'x', 'y', 'y2']);
  });

  it('answers an all-duplicate batch with the current profile without calling the update', async () => {
    await store.apply('u1', [event('a')], appendLabels);
    const result = await store.apply('u1', [event('a')], () => assert.fail('update called for duplicates only'));
    assert.deepEqual(result, { profile: { userId: 'u1', applied: ['a'] }, accepted: 0, applied: [], duplicates: 1 });
    const unknown = await store.apply('u2', [], appendLabels);
    assert.deepEqual(unknown, { profile: undefined, accepted: 0, applied: [], duplicates: 0 });
    assert.equal(await store.get('u2'), undefined, 'an empty batch creates no profile');
  });

  it('changes nothing when the update throws, so that a retry applies the events', async () => {
    await store.apply('u1', [event('a')], appendLabels);
    await assert.rejects(store.apply('u1', [event('b')], () => {
      throw new Error('features unavailable');
    }), /features unavailable/);
    assert.deepEqual((await store.get('u1'))?.applied, ['a']);
    const retry = await store.apply('u1', [event('b')], appendLabels);
    assert.equal(retry.accepted, 1);
    assert.deepEqual(retry.profile?.applied, ['a', 'b']);
  });

  it('applies concurrent batches for one user exactly once each, with no lost update', async () => {
    const handles = backing.concurrentHandles ? [store, await backing.open()] : [store];
    try {
      const unique = Array.from({ length: 40 }, (_, i) => handles[i % handles.length].apply('u1', [event(`e${i}`)], appendLabels));
      const racing = Array.from({ length: 10 }, (_, i) => handles[i % handles.length].apply('u1', [event(`shared-${i}`, 'shared')], appendLabels));
      const results = await Promise.all([...unique, ...racing]);
      const profile = await store.get('u1');
      assert.ok(profile);
      const expected = Array.from({ length: 40 }, (_, i) => `e${i}`);
      assert.deepEqual(profile.applied.filter((label) => !label.startsWith('shared')).sort(), expected.sort());
      assert.equal(profile.applied.filter((label) => label.startsWith('shared')).length, 1, 'the racing event id is applied once');
      assert.equal(results.reduce((sum, r) => sum + r.accepted, 0), 41);
      assert.equal(results.reduce((sum, r) => sum + r.duplicates, 0), 9);
    } finally {
      for (const handle of handles.slice(1)) await handle.close();
    }
  });

  it(`remembers the last ${WINDOW} event ids per user, no more`, async () => {
    await store.apply('u1', Array.from({ length: WINDOW }, (_, i) => event(`e${i + 1}`)), appendLabels);
    await store.apply('u1', [event(`e${WINDOW + 1}`)], appendLabels);
    await store.apply('u2', [event('e1')], appendLabels);
    const recent = await store.apply('u1', [event(`e${WINDOW + 1}`), event('e2')], appendLabels);
    assert.equal(recent.duplicates, 2, `e2..e${WINDOW + 1} are in the window`);
    const evicted = await store.apply('u1', [event('e1')], appendLabels);
    assert.equal(evicted.accepted, 1, 'e1 fell out of the window');
    assert.equal((await store.apply('u2', [event('e1')], appendLabels)).duplicates, 1, "another user's window is separate");
  });

  it('erases the profile and its remembered event ids', async () => {
    await store.apply('u1', [event('a')], appendLabels);
    assert.equal(await store.delete('u1'), true);
    assert.equal(await store.get('u1'), undefined);
    assert.equal(await store.delete('u1'), false);
    const after = await store.apply('u1', [event('a')], appendLabels);
    assert.deepEqual(after.profile, { userId: 'u1', applied: ['a'] });
  });

  it('keeps profiles, remembered ids and erasures across a reopen', async () => {
    await store.apply('u1', [event('a'), event('b')], appendLabels);
    await store.apply('u2', [event('c')], appendLabels);
    await store.apply('u3', [event('d')], appendLabels);
    await store.delete('u3');
    await store.close();
    store = await backing.open();
    assert.deepEqual(await store.get('u1'), { userId: 'u1', applied: ['a', 'b'] });
    assert.deepEqual(await store.get('u2'), { userId: 'u2', applied: ['c'] });
    assert.equal(await store.get('u3'), undefined);
    assert.equal((await store.apply('u1', [event('b')], appendLabels)).duplicates, 1);
  });

  it('hands out copies: changing a returned profile does not change the store', async () => {
    const { profile } = await store.apply('u1', [event('a')], appendLabels);
    profile?.applied.push('tampered');
    const read = await store.get('u1');
    read?.applied.push('tampered');
    assert.deepEqual((await store.get('u1'))?.applied, ['a']);
  });

  it('can be closed twice', async () => {
    await store.close();
    await store.close();
    store = await backing.open();
  });
}
