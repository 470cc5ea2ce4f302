import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DlrsError } from '../../shared/errors/index.js';
import { callUnary } from '../../shared/grpc/index.js';
import type { RecommendRequest } from '../../shared/generated/dlrs/v1/RecommendRequest.js';
import type { RecommendResponse__Output } from '../../shared/generated/dlrs/v1/RecommendResponse.js';
import type { RecommendStreamResponse__Output } from '../../shared/generated/dlrs/v1/RecommendStreamResponse.js';
import type { RecordInteractionsResponse__Output } from '../../shared/generated/dlrs/v1/RecordInteractionsResponse.js';
import type { UserEvent } from '../../shared/generated/dlrs/v1/UserEvent.js';
import { startTestGateway } from './testing/start-test-gateway.js';
import type { TestGateway } from './testing/start-test-gateway.js';

// Ids from the catalog, near-limit and over-limit lengths, odd characters.
const id = fc.oneof(fc.constantFrom('', 'a', 'b', 'xd', 'u1', 'x'.repeat(256), 'x'.repeat(257), '\u0000', '__proto__', 'é🙂'), fc.string({ maxLength: 20 }));
const uint32 = fc.oneof(fc.constantFrom(0, 1, 10, 50, 51, 500, 501, 2 ** 32 - 1), fc.nat({ max: 1000 }));
const interaction = fc.record({
  itemId: id,
  eventType: fc.oneof(fc.constantFrom('view', 'purchase', '', 'v'.repeat(65)), fc.string({ maxLength: 8 })),
  timestampMs: fc.oneof(fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER), fc.nat()),
  weight: fc.option(fc.oneof(fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e-30), fc.double({ min: -10, max: 10 })), { nil: undefined }),
  eventId: fc.oneof(fc.constant(''), id),
});
const clause = fc.record({
  field: fc.constantFrom('genre', 'year', '', 'colour'),
  condition: fc.constantFrom('equals', 'anyOf', 'range', undefined),
  equals: fc.string({ maxLength: 6 }),
  anyOf: fc.record({ values: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }) }),
  range: fc.record({ min: fc.option(fc.double(), { nil: undefined }), max: fc.option(fc.double(), { nil: undefined }) }),
});
const recommendRequest = fc.record(
  {
    requestId: fc.string({ maxLength: 8 }),
    user: fc.constantFrom('userId', 'context', undefined),
    userId: id,
    context: fc.record({ interactions: fc.array(interaction, { maxLength: 4 }), attributes: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }) }),
    k: uint32,
    candidates: uint32,
    excludeIds: fc.array(id, { maxLength: 3 }),
    filter: fc.record({ clauses: fc.array(clause, { maxLength: 2 }) }),
    includeSeen: fc.boolean(),
    timeoutMs: fc.nat({ max: 3000 }),
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

describe('gateway under random and malformed requests (fast-check, real gRPC server, in-test tiers)', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  const budget = () => ({ deadline: Date.now() + 5000 });

  it('answers every Recommend with items or INVALID_ARGUMENT/NOT_FOUND naming the field', async () => {
    const outcomes = { ok: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(recommendRequest, async (generated) => {
        const request = toMessage(generated);
        try {
          const response = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend(request, md, o, cb), budget());
          assert.ok(response.items.length <= Math.max(request.k || 10, 0));
          outcomes.ok++;
        } catch (error) {
          checkFailure(error);
          outcomes.failed++;
        }
      }),
      { numRuns: 150 },
    );
    // Both kinds of answer occur, so the property is not vacuous.
    assert.ok(outcomes.ok > 0 && outcomes.failed > 0, JSON.stringify(outcomes));
  });

  it('answers every RecordInteractions with counts or INVALID_ARGUMENT naming the field', async () => {
    const outcomes = { ok: 0, failed: 0 };
    const userEvent = fc.record({ userId: id, interaction: fc.option(interaction, { nil: undefined }) });
    await fc.assert(
      fc.asyncProperty(fc.array(userEvent, { maxLength: 4 }), async (events) => {
        try {
          const response = await callUnary<RecordInteractionsResponse__Output>((md, o, cb) => gateway.client.RecordInteractions({ events: events as UserEvent[] }, md, o, cb), budget());
          assert.equal(response.accepted + response.duplicates, events.length);
          outcomes.ok++;
        } catch (error) {
          checkFailure(error);
          outcomes.failed++;
        }
      }),
      { numRuns: 150 },
    );
    assert.ok(outcomes.ok > 0 && outcomes.failed > 0, JSON.stringify(outcomes));
  });

  it('answers each request of a RecommendStream exactly once and keeps serving afterwards', async () => {
    const requests = fc.sample(recommendRequest, { numRuns: 40, seed: 7 }).map((generated, i) => ({ ...toMessage(generated), requestId: `s${i}` }));
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
    assert.deepEqual(answers.map((a) => a.requestId).sort(), requests.map((r) => r.requestId).sort());
    for (const answer of answers) {
      if (answer.error) assert.ok(ALLOWED.has(DlrsError.fromGrpc({ code: answer.error.code, details: answer.error.message }).code), answer.error.message);
    }
    const healthy = await callUnary<RecommendResponse__Output>((md, o, cb) => gateway.client.Recommend({ userId: 'u1', k: 2 }, md, o, cb), budget());
    assert.ok(healthy.items.length <= 2);
    assert.equal(gateway.logs.find(/failed unexpectedly/).length, 0, 'no INTERNAL error was logged');
  });
});
