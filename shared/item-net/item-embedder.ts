import * as ort from 'onnxruntime-node';
import { encodeItems } from '../features/index.js';
import type { FeatureSpec, Item } from '../features/index.js';

/** Embeddings and biases of a list of items, row-aligned. */
export interface EmbeddedItems {
  /** items.length × dim float32. */
  embeddings: Float32Array;
  biases: Float32Array;
}

/** Why 512 rows: large enough to amortise a session run, small enough that one run takes milliseconds and the event loop keeps turning between runs. */
export const DEFAULT_EMBED_BATCH_ROWS = 512;

/** How ItemNet is run. */
export interface ItemEmbedderOptions {
  /** Rows per ONNX Runtime run. */
  batchRows: number;
  /** ONNX Runtime intra-op threads; 0 = its default. */
  intraOpThreads: number;
}

/**
 * ItemNet (`item_net.onnx`) under ONNX Runtime: raw items → shared feature
 * encoding → e_i [B, d] and b_i [B, 1], in batches. Only the inputs the
 * model declares are fed.
 */
export class ItemEmbedder {
  readonly spec: FeatureSpec;
  readonly dim: number;
  private readonly session: ort.InferenceSession;
  private readonly batchRows: number;

  private constructor(session: ort.InferenceSession, spec: FeatureSpec, dim: number, batchRows: number) {
    this.session = session;
    this.spec = spec;
    this.dim = dim;
    this.batchRows = batchRows;
  }

  /** Opens ItemNet from `item_net.onnx` (a path or its bytes); fails when it lacks the e_i or b_i output. */
  static async load(model: string | Uint8Array, spec: FeatureSpec, dim: number, options: Partial<ItemEmbedderOptions> = {}): Promise<ItemEmbedder> {
    const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'] };
    if (options.intraOpThreads) sessionOptions.intraOpNumThreads = options.intraOpThreads;
    const session = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
    for (const name of ['e_i', 'b_i']) {
      if (!session.outputNames.includes(name)) throw new Error(`ItemNet has no output '${name}' (outputs: ${session.outputNames.join(', ')})`);
    }
    return new ItemEmbedder(session, spec, dim, options.batchRows ?? DEFAULT_EMBED_BATCH_ROWS);
  }

  /** Embeddings (n × dim) and biases of the items, row-aligned. */
  async embed(items: readonly Item[]): Promise<EmbeddedItems> {
    const embeddings = new Float32Array(items.length * this.dim);
    const biases = new Float32Array(items.length);
    for (let start = 0; start < items.length; start += this.batchRows) {
      const batch = items.slice(start, start + this.batchRows);
      const tensors = encodeItems(this.spec, batch);
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of this.session.inputNames) {
        const tensor = tensors[name];
        if (tensor === undefined) throw new Error(`ItemNet input '${name}' is not produced by the feature encoder`);
        feeds[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
      }
      const outputs = await this.session.run(feeds);
      const e = outputs.e_i;
      const b = outputs.b_i;
      if (e.dims.length !== 2 || e.dims[0] !== batch.length || e.dims[1] !== this.dim) {
        throw new Error(`ItemNet returned e_i of shape [${e.dims.join(', ')}], expected [${batch.length}, ${this.dim}]`);
      }
      embeddings.set(e.data as Float32Array, start * this.dim);
      biases.set((b.data as Float32Array).subarray(0, batch.length), start);
    }
    return { embeddings, biases };
  }

  /** Frees the session; safe to call twice. */
  async release(): Promise<void> {
    await this.session.release().catch(() => undefined);
  }
}
