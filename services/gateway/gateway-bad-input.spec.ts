import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DlrsError } from '../../shared/errors/index.js';
import { failureOf } from '../../shared/errors/testing/failure-of.js';
import { callUnary } from '../../shared/grpc/index.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { SessionRequest } from '../../shared/generated/dlrs/v1/SessionRequest.js';
import type { UserEvent } from '../../shared/generated/dlrs/v1/UserEvent.js';
import { readInteractionLog } from '../../shared/interaction-log/index.js';
import { startTestGateway } from './testing/start-test-gateway.js';
import type { TestGateway } from './testing/start-test-gateway.js';

/** Mostly `usual`, now and then a value over a cap: the property stays about answers of both kinds. */
function rarely<T>(usual: fc.Arbitrary<T>, overCap: T): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: usual, weight: 19 }, { arbitrary: fc.constant(overCap), weight: 1 });
}

// Ids from the catalog, near-limit and over-limit lengths, odd characters.
const id = fc.oneof(fc.constantFrom('', 'a', 'b', 'xd', 'u1', 'x'.repeat(256), 'x'.repeat(257), '\u0000', '__proto__', 'é🙂'), fc.string({ maxLength: 20 }));
const uint32 = fc.oneof(fc.constantFrom(0, 1, 10, 50, 51, 500, 501, 2 ** 32 - 1), fc.nat({ max: 1000 }));
const interaction = fc.record({
  itemId: id,
  eventType: fc.oneof(fc.constantFrom('view', 'purchase', '', 'v'.repeat(65)), fc.string({ maxLength: 8 })),
  timestampMs: fc.oneof(fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Date.now() + 3_600_000), fc.nat()),
  weight: fc.option(fc.oneof(fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-30, 100, 101, 3e38), fc.double({ min: -10, max: 10 })), { nil: undefined }),
  eventId: fc.oneof(fc.constant(''), id),
});
const clause = fc.record({
  field: fc.constantFrom('genre', 'year', '', 'colour'),
  condition: fc.constantFrom('equals', 'anyOf', 'range', undefined),
  equals: rarely(fc.string({ maxLength: 6 }), 'd'.repeat(257)),
  anyOf: fc.record({ values: rarely(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), ['drama', 'd'.repeat(257)]) }),
  range: fc.record({ min: fc.option(fc.double(), { nil: undefined }), max: fc.option(fc.double(), { nil: undefined }) }),
});
const recommendRequest = fc.record(
  {
    requestId: rarely(fc.string({ maxLength: 8 }), 'r'.repeat(257)),
    user: fc.constantFrom('userId', 'context', undefined),
    userId: id,
    context: fc.record({ interactions: fc.array(interaction, { maxLength: 4 }), attributes: fc.dictionary(rarely(fc.string({ maxLength: 5 }), 'k'.repeat(129)), rarely(fc.string({ maxLength: 5 }), 'v'.repeat(257)), { maxKeys: 2 }) }),
    k: uint32,
    candidates: uint32,
    excludeIds: fc.array(id, { maxLength: 3 }),
    filter: fc.record({ clauses: fc.array(clause, { maxLength: 2 }) }),
    includeSeen: fc.boolean(),
    timeoutMs: rarely(fc.nat({ max: 3000 }), 60_001),
    traceContext: fc.oneof({ arbitrary: fc.constant({}), weight: 18 }, { arbitrary: fc.constant({ traceparent: 't'.repeat(513) }), weight: 1 }, { arbitrary: fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { minKeys: 5, maxKeys: 6 }), weight: 1 }),
  },
  { requiredKeys: [] },
);

type GeneratedRequest = typeof recommendRequest extends fc.Arbitrary<infer T> ? T : never;

/** The request as a client would build it: only the chosen oneof members set. */
function toMessage(generated: GeneratedRequest): RecommendRequest {
  const { user, userId, context, filter, ...rest } = generated as Record<string, unknown> & { user?: string; userId?: string; context?: unknown; filter?: { clauses: Record<string, unknown>[] } };
  const message: Record<string, unknown> = { ...rest };
  if (user === 'userId') message.userId = userId ?? '';
  if (user === 'context') message.context = context;
  if (filter) {
    message.filter = {
      clauses: filter.clauses.map(({ field, condition, equals, anyOf, range }) => ({ field, ...(condition === undefined ? {} : { [condition as string]: { equals, anyOf, range }[condition as 'equals'] }) })),
    };
  }
  return message as RecommendRequest;
}

const ALLOWED = new Set(['INVALID_ARGUMENT', 'NOT_FOUND']);

function checkFailure(error: unknown): void {
  const failure = DlrsError.from(error);
  assert.ok(ALLOWED.has(failure.code), `unexpected ${failure.code}: ${failure.message}`);
  if (failure.code === 'INVALID_ARGUMENT') {
    assert.ok(failure.field !== undefined && failure.field !== '', `no field named in "${failure.message}"`);
    assert.ok(failure.message.startsWith(`${failure.field}: `), failure.message);
  }
}

/**
 * Calls with 150 generated inputs: each is answered (and `check` holds) or refused with a code
 * of ALLOWED naming the field; both kinds occur, so the property is not vacuous.
 */
async function answersOrNamesTheField<T, R>(inputs: fc.Arbitrary<T>, call: (input: T) => Promise<R>, check: (input: T, answer: R) => void): Promise<void> {
  const outcomes = { ok: 0, failed: 0 };
  await fc.assert(
    fc.asyncProperty(inputs, async (input) => {
      let answer: R;
      try {
        answer = await call(input);
      } catch (error) {
        checkFailure(error);
        outcomes.failed++;
        return;
      }
      check(input, answer);
      outcomes.ok++;
    }),
    { numRuns: 150 },
  );
  assert.ok(outcomes.ok > 0 && outcomes.failed > 0, JSON.stringify(outcomes));
}

describe('gateway under bad input (real gRPC server, in-test tiers)', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  const budget = () => ({ deadline: Date.now() + 5000 });
  // Writes the requests on one RecommendStream, closes it and collects every answer until the stream ends.
  const streamAnswers = async (requests: readonly RecommendRequest[]): Promise<RecommendStreamResponse__Output[]> => {
    const stream = gateway.client.RecommendStream();
    const answers: RecommendStreamResponse__Output[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', (message: RecommendStreamResponse__Output) => answers.push(message));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    for (const request of requests) stream.write(request);
    stream.end();
    await done;
    return answers;
  };

  describe('random and malformed requests (fast-check)', () => {
    it('answers every Recommend with items or INVALID_ARGUMENT/NOT_FOUND naming the field', async () => {
      // As for RecordInteractions below: random requests are mostly refused, a quarter are well-formed.
      const wellFormedRequest = fc.record({ userId: fc.constantFrom('u1', 'a', 'é🙂'), k: fc.integer({ min: 1, max: 10 }), excludeIds: fc.array(fc.constantFrom('a', 'b', 'zz'), { maxLength: 2 }) });
      await answersOrNamesTheField(
        fc.oneof({ arbitrary: recommendRequest.map(toMessage), weight: 3 }, { arbitrary: wellFormedRequest, weight: 1 }),
        (request) => callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend(request, md, o, cb), budget()),
        (request, response) => assert.ok(response.items.length <= Math.max(request.k || 10, 0)),
      );
    });

    it('answers every RecordInteractions with counts or INVALID_ARGUMENT naming the field', async () => {
      const userEvent = fc.record({ userId: id, interaction: fc.option(interaction, { nil: undefined }) });
      // Random batches are almost all refused (one bad event refuses the batch): a quarter are
      // well-formed, so that both outcomes occur whatever fast-check's seed.
      const wellFormedEvent = fc.record({
        userId: fc.constantFrom('u1', 'a', 'é🙂'),
        interaction: fc.record({ itemId: fc.constantFrom('a', 'b', 'c'), eventType: fc.constantFrom('view', 'purchase'), timestampMs: fc.nat(), eventId: fc.constant('') }),
      });
      await answersOrNamesTheField(
        fc.oneof({ arbitrary: fc.array(userEvent, { maxLength: 4 }), weight: 3 }, { arbitrary: fc.array(wellFormedEvent, { minLength: 1, maxLength: 4 }), weight: 1 }),
        (events) => callUnary<RecordInteractionsResponse__Output>((md, o, cb) => gateway.client.RecordInteractions({ events: events as UserEvent[] }, md, o, cb), budget()),
        (events, response) => assert.equal(response.accepted + response.duplicates, events.length),
      );
    });

    it('answers each request of a RecommendStream exactly once and keeps serving afterwards', async () => {
      const requests = fc.sample(recommendRequest, { numRuns: 40, seed: 7 }).map((generated, i) => ({ ...toMessage(generated), requestId: `s${i}` }));
      const answers = await streamAnswers(requests);
      assert.deepEqual(answers.map((a) => a.requestId).sort(), requests.map((r) => r.requestId).sort());
      for (const answer of answers) {
        if (answer.error) assert.ok(ALLOWED.has(DlrsError.fromGrpc({ code: answer.error.code, details: answer.error.message }).code), answer.error.message);
      }
      const healthy = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend({ userId: 'u1', k: 2 }, md, o, cb), budget());
      assert.ok(healthy.items.length <= 2);
      assert.equal(gateway.logs.find(/failed unexpectedly/).length, 0, 'no INTERNAL error was logged');
    });
  });

  describe('every public field with a bad value gets INVALID_ARGUMENT naming it, and nothing of the call is written', () => {
    const long = (bytes: number): string => 'x'.repeat(bytes);
    const view = (itemId = 'a', extra: Record<string, unknown> = {}) => ({ itemId, eventType: 'view', ...extra });
    const entries = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));

    function assertNames(error: DlrsError, field: string, message?: RegExp): void {
      assert.equal(error.code, 'INVALID_ARGUMENT', error.message);
      assert.equal(error.field, field, error.message);
      assert.ok(error.message.startsWith(`${field}: `), error.message);
      if (message) assert.match(error.message, message);
    }

    // [field, request] for Recommend; the valid base recommends popular items for an unknown user.
    const recommendCases: [string, Record<string, unknown>][] = [
      ['request_id', { userId: 'u', requestId: long(257) }],
      ['user', {}],
      ['user_id', { userId: '' }],
      ['user_id', { userId: long(257) }],
      ['k', { userId: 'u', k: 51 }],
      ['candidates', { userId: 'u', k: 5, candidates: 501 }],
      ['exclude_ids', { userId: 'u', excludeIds: Array.from({ length: 101 }, (_, i) => `e${i}`) }],
      ['exclude_ids[1]', { userId: 'u', excludeIds: ['a', long(257)] }],
      ['filter.clauses', { userId: 'u', filter: { clauses: Array.from({ length: 33 }, () => ({ field: 'genre', equals: 'drama' })) } }],
      ['filter.clauses[0].field', { userId: 'u', filter: { clauses: [{ field: long(129), equals: 'drama' }] } }],
      ['filter.clauses[0].equals', { userId: 'u', filter: { clauses: [{ field: 'genre', equals: long(257) }] } }],
      ['filter.clauses[0].any_of.values', { userId: 'u', filter: { clauses: [{ field: 'genre', anyOf: { values: Array.from({ length: 257 }, () => 'drama') } }] } }],
      ['filter.clauses[0].any_of.values[1]', { userId: 'u', filter: { clauses: [{ field: 'genre', anyOf: { values: ['drama', long(257)] } }] } }],
      ['filter.clauses[0].range', { userId: 'u', filter: { clauses: [{ field: 'genre', range: { min: 1 } }] } }],
      ['timeout_ms', { userId: 'u', timeoutMs: 60_001 }],
      ['trace_context', { userId: 'u', traceContext: entries(5) }],
      ['trace_context', { userId: 'u', traceContext: { [long(65)]: 'v' } }],
      ['trace_context["traceparent"]', { userId: 'u', traceContext: { traceparent: long(513) } }],
      ['context.interactions', { context: { interactions: Array.from({ length: 51 }, () => view()) } }],
      ['context.interactions[1].item_id', { context: { interactions: [view(), view(long(300))] } }],
      ['context.interactions[0].event_type', { context: { interactions: [view('a', { eventType: long(65) })] } }],
      ['context.interactions[0].timestamp_ms', { context: { interactions: [view('a', { timestampMs: Date.now() + 3_600_000 })] } }],
      ['context.interactions[0].weight', { context: { interactions: [view('a', { weight: 3e38 })] } }],
      ['context.interactions[0].event_id', { context: { interactions: [view('a', { eventId: long(257) })] } }],
      ['context.attributes', { context: { interactions: [], attributes: entries(65) } }],
      ['context.attributes', { context: { interactions: [], attributes: { [long(129)]: 'v' } } }],
      ['context.attributes["age"]', { context: { interactions: [], attributes: { age: long(257) } } }],
    ];

    for (const [field, request] of recommendCases) {
      it(`Recommend: ${field} ${JSON.stringify(request).length > 120 ? '(over its cap)' : JSON.stringify(request)}`, async () => {
        const error = await failureOf(callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend(request as RecommendRequest, md, o, cb), budget()));
        assertNames(error, field);
      });
    }

    it('Recommend: a long id is refused with its length in the message', async () => {
      const error = await failureOf(callUnary((md, o, cb) => gateway.client.Recommend({ context: { interactions: [view(), view(), view(), view(long(300))] } }, md, o, cb), budget()));
      assert.equal(error.message, 'context.interactions[3].item_id: at most 256 bytes, got 300');
    });

    it('RecommendStream: a bad request_id, trace_context or timeout_ms fails that request alone, naming the field', async () => {
      const requests = [
        { requestId: long(257), userId: 'u' },
        { requestId: 's2', userId: 'u', traceContext: { traceparent: long(513) } },
        { requestId: 's3', userId: 'u', timeoutMs: 60_001 },
        { requestId: 's4', userId: 'u', k: 2 },
      ];
      const answers = await streamAnswers(requests);
      const byId = new Map(answers.map((answer) => [answer.requestId, answer]));
      assert.equal(byId.get(long(257))?.error?.field, 'request_id');
      assert.equal(byId.get('s2')?.error?.field, 'trace_context["traceparent"]');
      assert.equal(byId.get('s3')?.error?.field, 'timeout_ms');
      assert.ok(byId.get('s4')?.response, 'the valid request is answered');
    });

    const recordCases: [string, Record<string, unknown>[]][] = [
      ['events', []],
      ['events', Array.from({ length: 101 }, (_, i) => ({ userId: `u${i}`, interaction: view() }))],
      ['events[2].user_id', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: long(257), interaction: view() }]],
      ['events[2].interaction', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3' }]],
      ['events[2].interaction.item_id', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3', interaction: view('') }]],
      ['events[2].interaction.event_type', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3', interaction: view('a', { eventType: long(65) }) }]],
      ['events[2].interaction.timestamp_ms', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3', interaction: view('a', { timestampMs: Date.now() + 3_600_000 }) }]],
      ['events[2].interaction.weight', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3', interaction: view('a', { weight: 101 }) }]],
      ['events[2].interaction.event_id', [{ userId: 'refused-user-1', interaction: view() }, { userId: 'refused-user-2', interaction: view() }, { userId: 'refused-user-3', interaction: view('a', { eventId: long(257) }) }]],
    ];

    for (const [field, events] of recordCases) {
      it(`RecordInteractions: ${field}, and no event of the batch is written`, async () => {
        const logged = await logRecords();
        const error = await failureOf(callUnary((md, o, cb) => gateway.client.RecordInteractions({ events: events as UserEvent[] }, md, o, cb), budget()));
        assertNames(error, field);
        for (const userId of ['refused-user-1', 'refused-user-2', 'refused-user-3']) assert.equal(await gateway.store.get(userId), undefined, `${userId} has no profile`);
        assert.equal(await logRecords(), logged, 'the interaction log did not grow');
      });
    }

    async function logRecords(): Promise<number> {
      await gateway.log.flush();
      let count = 0;
      for await (const record of readInteractionLog(gateway.logDir)) if (record.type === 'interaction') count++;
      return count;
    }

    it('GetProfile and DeleteProfile: user_id', async () => {
      assertNames(await failureOf(callUnary((md, o, cb) => gateway.client.GetProfile({ userId: long(257) }, md, o, cb), budget())), 'user_id');
      assertNames(await failureOf(callUnary((md, o, cb) => gateway.client.DeleteProfile({ userId: '' }, md, o, cb), budget())), 'user_id');
    });

    const feature = (value: Record<string, unknown>) => ({ genre: value });
    const itemCases: [string, Record<string, unknown>][] = [
      ['items[1].id', { id: long(257) }],
      ['items[1].title', { id: 'n2', title: long(1025) }],
      ['items[1].features', { id: 'n2', features: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, { text: 'v' }])) }],
      ['items[1].features', { id: 'n2', features: { [long(129)]: { text: 'v' } } }],
      ['items[1].features["genre"].text', { id: 'n2', features: feature({ text: long(257) }) }],
      ['items[1].features["genre"].texts', { id: 'n2', features: feature({ texts: { values: Array.from({ length: 257 }, () => 'drama') } }) }],
      ['items[1].features["genre"].texts[0]', { id: 'n2', features: feature({ texts: { values: [long(257)] } }) }],
      ['items[1].features["genre"].number', { id: 'n2', features: feature({ number: Number.NaN }) }],
    ];

    for (const [field, item] of itemCases) {
      it(`UpsertItems: ${field}, and no item of the call reaches a shard`, async () => {
        const upserts = () => gateway.shards.reduce((sum, shard) => sum + (shard.calls.get('UpsertItems') ?? 0), 0);
        const before = upserts();
        const error = await failureOf(callUnary((md, o, cb) => gateway.client.UpsertItems({ items: [{ id: 'n1', features: { genre: { text: 'drama' } } }, item] }, md, o, cb), budget()));
        assertNames(error, field);
        assert.equal(upserts(), before);
      });
    }

    it('UpsertItems and DeleteItems: the lists themselves', async () => {
      assertNames(await failureOf(callUnary((md, o, cb) => gateway.client.UpsertItems({ items: [] }, md, o, cb), budget())), 'items');
      assertNames(await failureOf(callUnary((md, o, cb) => gateway.client.DeleteItems({ itemIds: [] }, md, o, cb), budget())), 'item_ids');
      assertNames(await failureOf(callUnary((md, o, cb) => gateway.client.DeleteItems({ itemIds: ['a', long(257)] }, md, o, cb), budget())), 'item_ids[1]');
      assert.equal(gateway.shards.reduce((sum, shard) => sum + (shard.calls.get('DeleteItems') ?? 0), 0), 0);
    });

    const sessionCases: [string, SessionRequest[]][] = [
      ['start.user_id', [{ start: { userId: long(257) } }]],
      ['start.k', [{ start: { userId: 'refused-session-user', k: 51 } }]],
      ['start.filter.clauses[0].field', [{ start: { userId: 'refused-session-user', filter: { clauses: [{ field: long(129), equals: 'drama' }] } } }]],
      ['event.weight', [{ start: { userId: 'refused-session-user' } }, { event: view('a', { weight: 3e38 }) }]],
      ['event.item_id', [{ start: { userId: 'refused-session-user' } }, { event: view(long(257)) }]],
    ];
    for (const [field, messages] of sessionCases) {
      it(`Session: ${field} ends the session with INVALID_ARGUMENT; the bad event is not recorded`, async () => {
        const session = gateway.client.Session();
        const ended = new Promise<unknown>((resolve) => {
          session.on('data', () => undefined);
          session.on('error', resolve);
          session.on('end', () => resolve(undefined));
        });
        for (const message of messages) session.write(message);
        session.end();
        const error = await ended;
        assert.ok(error !== undefined, 'the session failed');
        assertNames(DlrsError.from(error), field);
        assert.equal((await gateway.store.get('refused-session-user'))?.learned.eventCount ?? 0, 0);
      });
    }

    it('refuses a message over the public 1 MiB limit with RESOURCE_EXHAUSTED and keeps serving', async () => {
      const events = Array.from({ length: 90 }, (_, i) => ({ userId: `big-batch-user-${i}`, interaction: view('a', { eventId: long(12_000) }) }));
      const error = await failureOf(callUnary((md, o, cb) => gateway.client.RecordInteractions({ events }, md, o, cb), budget()));
      assert.equal(error.code, 'RESOURCE_EXHAUSTED');
      assert.equal(await gateway.store.get('big-batch-user-0'), undefined);
      const answer = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend({ userId: 'u', k: 2 }, md, o, cb), budget());
      assert.ok(answer.items.length <= 2);
    });
  });
});
