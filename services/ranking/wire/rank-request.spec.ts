import assert from 'node:assert/strict';
import type { RankRequest__Output } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import { float32Bytes, float32Values } from './float32-bytes.js';
import { checkCandidatesFinite, parseRankRequest, writeCandidates } from './rank-request.js';
import { DlrsError } from '../../../shared/errors/index.js';
import { NO_BUNDLE_ROW, bundleRowsBytes } from '../../../shared/proto/index.js';
import { ItemTable } from '../model/item-table.js';

const DIM = 2;

function request(overrides: Partial<RankRequest__Output> = {}): RankRequest__Output {
  return {
    requestId: 'r',
    modelVersion: '',
    dim: DIM,
    userEmbedding: float32Bytes(new Float32Array([1, 2])),
    userBias: 0.5,
    itemEmbeddings: float32Bytes(new Float32Array([1, 0, 0, 1, 1, 1])),
    itemBiases: float32Bytes(new Float32Array([0.1, 0.2, 0.3])),
    topK: 0,
    timeoutMs: 0,
    bundleRows: Buffer.alloc(0),
    ...overrides,
  };
}

function rejectsWith(overrides: Partial<RankRequest__Output>, field: string, pattern: RegExp, maxCandidates = 10): void {
  assert.throws(
    () => parseRankRequest(request(overrides), DIM, maxCandidates),
    (error: unknown) => error instanceof DlrsError && error.code === 'INVALID_ARGUMENT' && error.field === field && pattern.test(error.message),
  );
}

describe('checkCandidatesFinite', () => {
  it('names the candidates\' field holding a NaN or an infinity (parseRankRequest leaves them to the inference worker)', () => {
    const embeddings = float32Bytes(new Float32Array([1, Number.POSITIVE_INFINITY]));
    const parsed = parseRankRequest(request({ itemEmbeddings: embeddings, itemBiases: float32Bytes(new Float32Array([0])) }), DIM, 10);
    assert.throws(() => checkCandidatesFinite(parsed.rows, DIM), (error: unknown) => error instanceof DlrsError && error.field === 'item_embeddings' && /finite/.test(error.message));
    const biases = { ...parsed.rows, itemEmbeddings: float32Bytes(new Float32Array([1, 2])), itemBiases: float32Bytes(new Float32Array([Number.NaN])) };
    assert.throws(() => checkCandidatesFinite(biases, DIM), (error: unknown) => error instanceof DlrsError && error.field === 'item_biases');
    checkCandidatesFinite(parseRankRequest(request(), DIM, 10).rows, DIM);
  });
});

describe('parseRankRequest', () => {
  it('reads the user and the candidates', () => {
    const parsed = parseRankRequest(request(), DIM, 10);
    assert.equal(parsed.candidates, 3);
    assert.equal(parsed.shipped, 3, 'without bundle_rows every candidate is shipped');
    assert.deepEqual(Array.from(float32Values(parsed.rows.itemBiases)), [0.1, 0.2, 0.3].map(Math.fround));
    assert.equal(parsed.rows.userBias, 0.5);
  });

  it('names the field of every bad input', () => {
    rejectsWith({ dim: 3 }, 'dim', /dimension is 2/);
    rejectsWith({ userEmbedding: float32Bytes(new Float32Array([1, 2, 3, 4])) }, 'user_embedding', /2 rows/);
    rejectsWith({ userBias: Number.NaN }, 'user_bias', /finite/);
    rejectsWith({ itemEmbeddings: Buffer.alloc(12) }, 'item_embeddings', /multiple of 4 × 2/);
    rejectsWith({ userEmbedding: float32Bytes(new Float32Array([1, Number.POSITIVE_INFINITY])) }, 'user_embedding', /finite/);
    rejectsWith({ itemEmbeddings: Buffer.alloc(0), itemBiases: Buffer.alloc(0) }, 'item_embeddings', /no candidates/);
    rejectsWith({}, 'item_embeddings', /at most 2/, 2);
    rejectsWith({ itemBiases: float32Bytes(new Float32Array([0.1])) }, 'item_biases', /1 values for 3/);
  });

  describe('with bundle_rows', () => {
    // Row r of the table: e_i [10r, 10r + 1], b_i r / 10.
    const table = new ItemTable(DIM, Float32Array.from({ length: 4 * DIM }, (_, k) => 10 * Math.floor(k / DIM) + (k % DIM)), Float32Array.from({ length: 4 }, (_, r) => r / 10));
    /** The request's bytes at an odd offset, as inside a received message. */
    const unaligned = (bytes: Buffer): Buffer => Buffer.concat([Buffer.alloc(1), bytes]).subarray(1);
    const byRow = (rows: number[], overrides: Partial<RankRequest__Output> = {}): RankRequest__Output =>
      request({ modelVersion: 'v1', itemEmbeddings: unaligned(float32Bytes(Float32Array.of(7, 8))), itemBiases: unaligned(float32Bytes(Float32Array.of(0.9))), bundleRows: unaligned(bundleRowsBytes(rows)), ...overrides });

    it('writes the rows named from the table and the shipped ones from the request into the batch, in candidate order', () => {
      const shipped = { itemEmbeddings: unaligned(float32Bytes(Float32Array.of(7, 8, 5, 6))), itemBiases: unaligned(float32Bytes(Float32Array.of(0.9, 0.8))) };
      const parsed = parseRankRequest(byRow([3, NO_BUNDLE_ROW, NO_BUNDLE_ROW, 0], shipped), DIM, 10, table);
      assert.equal(parsed.candidates, 4);
      assert.equal(parsed.shipped, 2);
      // From batch row 1 on, after another request's row.
      const eI = new Float32Array(5 * DIM).fill(-1);
      const bI = new Float32Array(5).fill(-1);
      writeCandidates(parsed.rows, parsed.candidates, DIM, eI, bI, 1);
      assert.deepEqual(Array.from(eI), [-1, -1, 30, 31, 7, 8, 5, 6, 0, 1]);
      assert.deepEqual(Array.from(bI), [-1, 0.3, 0.9, 0.8, 0].map(Math.fround));
    });

    it('names the candidate of a non-finite table value, in candidate order', () => {
      const bad = new ItemTable(DIM, Float32Array.of(0, 1, 2, Number.NaN), Float32Array.of(0, 0));
      const parsed = parseRankRequest(byRow([0, NO_BUNDLE_ROW, 1]), DIM, 10, bad);
      assert.throws(() => checkCandidatesFinite(parsed.rows, DIM), (error: unknown) => error instanceof DlrsError && error.field === 'item_embeddings' && /row 2\)/.test(error.message));
    });

    it('refuses row numbers past the table, ragged or too many of them, a missing version and a replica without a table, naming the field', () => {
      const fails = (parse: () => unknown, code: string, field: string, pattern: RegExp): void => {
        assert.throws(parse, (error: unknown) => error instanceof DlrsError && error.code === code && error.field === field && pattern.test(error.message));
      };
      fails(() => parseRankRequest(byRow([4, NO_BUNDLE_ROW]), DIM, 10, table), 'FAILED_PRECONDITION', 'bundle_rows', /row 4 at candidate 0.*4 items/);
      fails(() => parseRankRequest(byRow([0], { bundleRows: Buffer.alloc(6) }), DIM, 10, table), 'INVALID_ARGUMENT', 'bundle_rows', /6 bytes/);
      fails(() => parseRankRequest(byRow([0, 1, NO_BUNDLE_ROW]), DIM, 2, table), 'INVALID_ARGUMENT', 'bundle_rows', /at most 2/);
      fails(() => parseRankRequest(byRow([0, 1]), DIM, 10, table), 'INVALID_ARGUMENT', 'item_embeddings', /1 rows for the 0 candidates/);
      fails(() => parseRankRequest(byRow([0, NO_BUNDLE_ROW], { modelVersion: '' }), DIM, 10, table), 'INVALID_ARGUMENT', 'model_version', /required/);
      fails(() => parseRankRequest(byRow([0, NO_BUNDLE_ROW]), DIM, 10), 'FAILED_PRECONDITION', 'bundle_rows', /holds no bundle items/);
    });
  });
});
