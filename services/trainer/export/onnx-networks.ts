// A bundle's three networks under ONNX Runtime, in the trainer's process: what the serving tiers compute, without them.
import * as ort from 'onnxruntime-node';
import { encodeEncodedItems } from '../../../shared/features/index.js';
import type { EncodedItems, FeatureSpec, TensorMap } from '../../../shared/features/index.js';
import { topK } from '../eval/top-k.js';
import { matmulTransBAcc } from '../nn/index.js';

/** Catalog rows per ItemNet run: bounds the feed's memory on large catalogs. */
const ITEM_CHUNK_ROWS = 2048;

/** Embeddings ([rows × d], row-major) and biases of users or items. */
export interface Embedded {
  readonly e: Float32Array;
  readonly b: Float32Array;
}

/** One user's answer: catalog rows best first and RankNet's p of each. */
export interface RankedRows {
  readonly rows: Int32Array;
  readonly p: Float32Array;
}

/** The ONNX bytes of a bundle's networks. */
export interface NetworkBytes {
  readonly userNet: Uint8Array;
  readonly itemNet: Uint8Array;
  readonly rankNet: Uint8Array;
}

/** Sessions over a bundle's networks; `release` frees them. */
export class OnnxNetworks {
  private constructor(
    private readonly dim: number,
    private readonly userNet: ort.InferenceSession,
    private readonly itemNet: ort.InferenceSession,
    private readonly rankNet: ort.InferenceSession,
  ) {}

  static async open(bytes: NetworkBytes, dim: number): Promise<OnnxNetworks> {
    const [userNet, itemNet, rankNet] = await Promise.all([bytes.userNet, bytes.itemNet, bytes.rankNet].map((b) => ort.InferenceSession.create(b)));
    return new OnnxNetworks(dim, userNet, itemNet, rankNet);
  }

  /** ItemNet's e_i and b_i of every encoded catalog row, in row order. */
  async embedCatalog(spec: FeatureSpec, encoded: EncodedItems): Promise<Embedded> {
    const d = this.dim;
    const n = encoded.count;
    const e = new Float32Array(n * d);
    const b = new Float32Array(n);
    for (let from = 0; from < n; from += ITEM_CHUNK_ROWS) {
      const rows = Int32Array.from({ length: Math.min(ITEM_CHUNK_ROWS, n - from) }, (_, i) => from + i);
      const [ei, bi] = await outputs(this.itemNet, encodeEncodedItems(spec, encoded, rows), ['e_i', 'b_i']);
      e.set(ei, from * d);
      b.set(bi, from);
    }
    return { e, b };
  }

  /** UserNet's e_u and b_u of a batch of UserNet inputs. */
  async embedUsers(tensors: TensorMap): Promise<Embedded> {
    const [e, b] = await outputs(this.userNet, tensors, ['e_u', 'b_u']);
    return { e, b };
  }

  /**
   * A Recommend as the tiers serve it, with exact search: the `candidates` rows of highest
   * e_u·e_i (`excluded` rows left out), reordered by RankNet's p, the first `length` of them.
   */
  async rankTwoStage(eu: Float32Array, bu: number, items: Embedded, excluded: Iterable<number>, candidates: number, length: number): Promise<RankedRows> {
    const d = this.dim;
    const n = items.b.length;
    const scores = new Float32Array(n);
    matmulTransBAcc(eu, items.e, scores, 1, d, n);
    for (const row of excluded) scores[row] = -Infinity;
    const found = topK(scores, candidates).filter((row) => scores[row] !== -Infinity);
    const c = found.length;
    if (c === 0) return { rows: new Int32Array(0), p: new Float32Array(0) };
    const feed: TensorMap = {
      e_u: { type: 'float32', data: new Float32Array(c * d).map((_, k) => eu[k % d]), dims: [c, d] },
      e_i: { type: 'float32', data: Float32Array.from({ length: c * d }, (_, k) => items.e[found[Math.floor(k / d)] * d + (k % d)]), dims: [c, d] },
      b_u: { type: 'float32', data: new Float32Array(c).fill(bu), dims: [c, 1] },
      b_i: { type: 'float32', data: Float32Array.from(found, (row) => items.b[row]), dims: [c, 1] },
    };
    const [p] = await outputs(this.rankNet, feed, ['p']);
    const order = Array.from(found.keys()).sort((x, y) => p[y] - p[x] || x - y).slice(0, length);
    return { rows: Int32Array.from(order, (i) => found[i]), p: Float32Array.from(order, (i) => p[i]) };
  }

  async release(): Promise<void> {
    await Promise.all([this.userNet.release(), this.itemNet.release(), this.rankNet.release()]);
  }
}

async function outputs(session: ort.InferenceSession, tensors: TensorMap, names: readonly string[]): Promise<Float32Array[]> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of session.inputNames) {
    const t = tensors[input];
    if (t === undefined) throw new Error(`model input '${input}' is not produced by the feature encoder`);
    feeds[input] = new ort.Tensor(t.type, t.data, t.dims);
  }
  const results = await session.run(feeds);
  return names.map((name) => {
    const result = results[name];
    if (result === undefined || !(result.data instanceof Float32Array)) throw new Error(`model returned no float32 '${name}'`);
    return result.data;
  });
}
