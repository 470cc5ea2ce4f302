import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../../shared/workers/index.js';
import type { IndexHits, VectorIndexOptions } from '../../../shared/vector-index/index.js';
import { hostIndex } from './index-host.js';
import type { IndexRequest, IndexResponse, IndexWorkerSetup } from './index-messages.js';

/** Why 5 ms: the worker answers waiting searches at least every 5 ms plus one add step while it indexes a batch. */
export const DEFAULT_INDEX_TURN_BUDGET_MS = 5;

/** Where the index lives: in a worker thread, or on the event loop (`inline`). */
export const INDEX_PLACEMENTS = ['worker', 'inline'] as const;
export type IndexPlacement = (typeof INDEX_PLACEMENTS)[number];

/** The index's settings, and where it lives (a worker thread unless said otherwise). */
export interface ShardIndexOptions extends VectorIndexOptions {
  placement?: IndexPlacement;
}

/** How requests reach the index and what keeps the process alive meanwhile. */
interface IndexChannel {
  post(request: IndexRequest, transfer: ArrayBuffer[]): void;
  /** Whether the process stays alive for the index (only while requests wait on a worker). */
  hold(held: boolean): void;
  stop(): Promise<unknown>;
}

type Pending = { resolve: (response: IndexResponse & { ok: true }) => void; reject: (error: Error) => void };
type Request = IndexRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * A shard's HNSW index (shared/vector-index) owned by a worker thread, so that adding,
 * searching and saving never block the event loop; or, placed `inline`, owned by the event
 * loop itself: a search then costs no hand-off to another thread and no wake-up (tens to
 * hundreds of µs of CPU each on a virtual machine), but blocks the loop while it runs
 * (0.1-0.4 ms at k = 300 over a million items), adding blocks it for a turn at a time, and a
 * save for the whole write. Mutations and saves apply in call order; a search overtakes
 * queued mutations and sees those applied so far. Keys are item-store slots.
 */
export class IndexThread {
  readonly options: Readonly<VectorIndexOptions>;
  readonly placement: IndexPlacement;
  private readonly channel: IndexChannel;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private count: number;
  private failure: Error | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  private constructor(options: VectorIndexOptions, placement: IndexPlacement, size: number, connect: (onResponse: (response: IndexResponse) => void, onFailure: (error: Error) => void) => IndexChannel) {
    this.options = Object.freeze({ ...options });
    this.placement = placement;
    this.count = size;
    this.channel = connect(
      (response) => this.settle(response),
      (error) => this.fail(error),
    );
  }

  /**
   * Opens an empty index, or the index saved at `loadPath` (dim and quantization must match),
   * in a worker thread or inline.
   */
  static async open(shardOptions: ShardIndexOptions, loadPath?: string, turnBudgetMs = DEFAULT_INDEX_TURN_BUDGET_MS): Promise<IndexThread> {
    const { placement, ...options } = shardOptions;
    const setup: IndexWorkerSetup = { options, loadPath, turnBudgetMs };
    return placement === 'inline' ? IndexThread.openInline(setup) : IndexThread.openWorker(setup);
  }

  private static openInline(setup: IndexWorkerSetup): IndexThread {
    let deliver: (response: IndexResponse) => void = () => undefined;
    const host = hostIndex(setup, (response) => deliver(response));
    return new IndexThread(setup.options, 'inline', host.size, (onResponse) => {
      deliver = onResponse;
      return { post: (request) => host.handle(request), hold: () => undefined, stop: () => Promise.resolve() };
    });
  }

  private static async openWorker(setup: IndexWorkerSetup): Promise<IndexThread> {
    const worker = spawnWorker(import.meta.url, 'index-worker', { workerData: setup });
    // The worker keeps the process alive only through the requests awaited on it.
    worker.unref();
    const size = await new Promise<number>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      worker.once('error', onError);
      worker.once('exit', (code) => reject(new Error(`the index worker exited with code ${code} while starting`)));
      worker.once('message', (ready: IndexResponse) => {
        worker.off('error', onError);
        worker.removeAllListeners('exit');
        if (ready.ok) resolve(ready.size);
        else reject(new Error(ready.message));
      });
    });
    return new IndexThread(setup.options, 'worker', size, (onResponse, onFailure) => workerChannel(worker, onResponse, onFailure));
  }

  /** Vectors indexed, as of the last answer of the worker. */
  get size(): number {
    return this.count;
  }

  /** Indexes the rows of `vectors` (row-major, dim wide) under the given slots; a slot must not be indexed yet. */
  async add(slots: Int32Array, vectors: Float32Array): Promise<void> {
    if (slots.length === 0) return;
    if (vectors.length !== slots.length * this.options.dim) {
      throw new RangeError(`add: ${slots.length} slots need ${slots.length * this.options.dim} floats, got ${vectors.length}`);
    }
    await this.request({ op: 'add', slots, vectors }, [slots.buffer as ArrayBuffer, vectors.buffer as ArrayBuffer]);
  }

  /** Removes the slots' vectors; slots not indexed are ignored. */
  async remove(slots: Int32Array): Promise<void> {
    if (slots.length > 0) await this.request({ op: 'remove', slots }, [slots.buffer as ArrayBuffer]);
  }

  /** The `count` nearest slots to the query at `offset` in `queries`, by the index's (possibly quantized) inner product. */
  async search(queries: Float32Array, offset: number, count: number): Promise<IndexHits> {
    // A copy of the query, handed over rather than cloned once more.
    const query = queries.slice(offset, offset + this.options.dim);
    const answer = await this.request({ op: 'search', query, count }, [query.buffer as ArrayBuffer]);
    return { slots: answer.slots ?? new Int32Array(0), similarities: answer.similarities ?? new Float32Array(0) };
  }

  /** Writes the index, with every mutation requested before this call, to a file. */
  async save(path: string): Promise<void> {
    await this.request({ op: 'save', path });
  }

  /** Approximate bytes held: the vectors at their quantization plus the graph's links. */
  memoryBytes(): number {
    const bytesPerScalar = this.options.quantization === 'f32' ? 4 : this.options.quantization === 'f16' ? 2 : 1;
    // Level 0 holds 2M links of 4 bytes, upper levels add about 1/M of that again.
    const linkBytes = 2 * this.options.connectivity * 4 * 1.1;
    return Math.round(this.count * (this.options.dim * bytesPerScalar + linkBytes + 16));
  }

  /** Waits for the requests made so far, then stops the worker; later requests fail. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.inFlight]);
      this.failure ??= new Error('the index is closed');
      await this.channel.stop();
    })();
    return this.closing;
  }

  private request(request: Request, transfer: ArrayBuffer[] = []): Promise<IndexResponse & { ok: true }> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    const answer = new Promise<IndexResponse & { ok: true }>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.channel.hold(true);
      this.channel.post({ ...request, id } as IndexRequest, transfer);
    });
    this.inFlight.add(answer);
    const forget = (): void => void this.inFlight.delete(answer);
    answer.then(forget, forget);
    return answer;
  }

  private settle(response: IndexResponse): void {
    const entry = this.pending.get(response.id);
    if (entry === undefined) return;
    this.pending.delete(response.id);
    if (this.pending.size === 0) this.channel.hold(false);
    if (!response.ok) return entry.reject(new Error(`index worker: ${response.message}`));
    this.count = response.size;
    entry.resolve(response);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}

/** A worker thread as the index's channel. */
function workerChannel(worker: Worker, onResponse: (response: IndexResponse) => void, onFailure: (error: Error) => void): IndexChannel {
  worker.on('message', onResponse);
  worker.on('error', onFailure);
  worker.on('exit', (code) => onFailure(new Error(`the index worker exited with code ${code}`)));
  return {
    post: (request, transfer) => worker.postMessage(request, transfer),
    hold: (held) => (held ? worker.ref() : worker.unref()),
    stop: () => worker.terminate(),
  };
}
