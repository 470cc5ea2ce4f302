import assert from 'node:assert/strict';
import type { RankRequest__Output } from '../../../shared/generated/dlrs/v1/RankRequest.js';
import { float32Bytes, float32Values } from './float32-bytes.js';
import { checkCandidatesFinite, parseRankRequest } from './rank-request.js';
import { DlrsError } from '../../../shared/errors/index.js';

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
    itemIds: [],
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
});
