import { isMainThread, workerData } from 'node:worker_threads';
import wabt from 'wabt';

// The lib settings carry no WebAssembly typings (they come with the DOM lib): the few calls used here.
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled kernel module, instantiated on each kernel memory it runs on. */
export interface CompiledWat {
  readonly compiled: unknown;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const WASM_PAGE_BYTES = 65536;
// 4 GiB of address space, the 32-bit limit; pages are committed only as the memory grows.
const MAX_PAGES = 65536;

/** Whether this engine validates a module using 128-bit SIMD (Node 16.4+ does by default). */
export function wasmSimdAvailable(): boolean {
  // (module (func (result v128) v128.const i32x4 0 0 0 0))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  return wasmApi.validate(probe);
}

/**
 * The memory the kernel modules of a thread import, shared with the threads that train the same
 * model: the main thread creates it (one per model, see freshKernelMemory), gradient workers get
 * it in their workerData (see kernelMemoryWorkerData) before their kernels instantiate.
 * Parameters, gradients and Adam's moments live in it (resident), so the kernels work on them in
 * place. Each thread also has a region of its own for the workspace (arrays kept there across
 * calls: the step's logits and their gradient, used in place) with, above it, the scratch each
 * call copies its other operands into, and a region for its step frame. Space is handed out from
 * a pointer in the memory's first word, atomically, and never returned within the memory (which
 * is freed whole with its model); a region outgrown is left for a twice larger one.
 */
export interface WasmArena {
  /** The workspace's first `floats` floats, zeroed; the same memory on every call, so a new view ends the last one's use. */
  workspace(floats: number): Float32Array;
  /** Byte address of a view into this memory, or -1 for any other array. */
  addressOf(x: ArrayBufferView): number;
  /** The memory's buffer with `bytes` of room from the returned address, above the workspace. */
  scratch(bytes: number): { readonly at: number; readonly buffer: SharedArrayBuffer };
  /** `bytes` of zeroed memory of its own for the life of this memory, 16-byte aligned. */
  resident(bytes: number): { readonly at: number; readonly buffer: SharedArrayBuffer };
  /**
   * `floats` zeroed floats of the open step frame, or null outside one. A frame holds a step's
   * activations and their gradients so that the kernels use them in place; opening the next frame
   * ends the use of everything handed out in the last.
   */
  frame(floats: number): Float32Array | null;
  /** Opens a step frame on this thread (ending the last one's arrays); closeFrame ends handing out. */
  openFrame(): void;
  closeFrame(): void;
  /** A view of this memory for an array of another thread's view of it (posted in a message), else the array itself. */
  adopt<T extends Float32Array | Uint8Array>(x: T): T;
}

/** Bytes below the first allocation: the allocation pointer, then the memory's random tag. */
const HEADER_BYTES = 64;
const TAG_WORDS = 4;
/** The smallest thread region: a default step's logits and gradient, with room for its copies. */
const MIN_REGION_BYTES = 8 << 20;

function createArena(memory: WasmMemory, fresh: boolean): WasmArena {
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  const header = new Int32Array(memory.buffer, 0, 1 + TAG_WORDS);
  if (fresh) {
    Atomics.store(header, 0, HEADER_BYTES);
    for (let w = 1; w <= TAG_WORDS; w++) header[w] = (Math.random() * 2 ** 32) | 0;
  }
  const current = (): SharedArrayBuffer => {
    const buffer = memory.buffer;
    buffers.add(buffer);
    return buffer;
  };
  const allocate = (bytes: number): number => {
    const size = Math.ceil(bytes / 16) * 16;
    const at = Atomics.add(header, 0, size);
    if (at + size > MAX_PAGES * WASM_PAGE_BYTES || at + size < at) throw new Error(`kernel memory: ${bytes} more bytes pass its 4 GiB`);
    // Threads growing at once may overshoot by a page or two; the loop only ensures enough.
    for (let have = current().byteLength; have < at + size; have = current().byteLength) memory.grow(Math.ceil((at + size - have) / WASM_PAGE_BYTES));
    return at;
  };
  let region = { at: 0, bytes: 0 };
  let workspaceBytes = 0;
  const fit = (bytes: number): void => {
    if (bytes <= region.bytes) return;
    const size = Math.max(MIN_REGION_BYTES, 2 * bytes);
    region = { at: allocate(size), bytes: size };
  };
  // The frame's own region, bumped from its start while open; outgrown, it moves to a twice
  // larger one (arrays already handed out stay where they are, valid, as nothing is reused).
  let frameRegion = { at: 0, bytes: 0 };
  let frameUsed = -1;
  return {
    frame(floats) {
      if (frameUsed < 0) return null;
      const bytes = Math.ceil((floats * 4) / 16) * 16;
      if (frameUsed + bytes > frameRegion.bytes) {
        const size = Math.max(MIN_REGION_BYTES, 2 * (frameRegion.bytes + bytes));
        frameRegion = { at: allocate(size), bytes: size };
        frameUsed = 0;
      }
      const view = new Float32Array(current(), frameRegion.at + frameUsed, floats);
      frameUsed += bytes;
      view.fill(0);
      return view;
    },
    openFrame() {
      frameUsed = 0;
    },
    closeFrame() {
      frameUsed = -1;
    },
    workspace(floats) {
      workspaceBytes = Math.max(workspaceBytes, Math.ceil((floats * 4) / 16) * 16);
      fit(workspaceBytes);
      const view = new Float32Array(current(), region.at, floats);
      view.fill(0);
      return view;
    },
    addressOf(x) {
      return buffers.has(x.buffer) ? x.byteOffset : -1;
    },
    scratch(bytes) {
      fit(workspaceBytes + bytes);
      return { at: region.at + workspaceBytes, buffer: current() };
    },
    resident(bytes) {
      // Never handed out before, so still zero.
      const at = allocate(bytes);
      return { at, buffer: current() };
    },
    adopt(x) {
      if (buffers.has(x.buffer) || !(x.buffer instanceof SharedArrayBuffer) || x.buffer.byteLength < HEADER_BYTES) return x;
      const theirs = new Int32Array(x.buffer, 0, 1 + TAG_WORDS);
      for (let w = 1; w <= TAG_WORDS; w++) if (theirs[w] !== header[w]) return x;
      const buffer = current();
      return (x instanceof Float32Array ? new Float32Array(buffer, x.byteOffset, x.length) : new Uint8Array(buffer, x.byteOffset, x.length)) as typeof x;
    },
  };
}

/** The workerData key under which a worker receives its parent's kernel memory. */
const WORKER_DATA_KEY = 'dlrsKernelMemory';

let threadArena: { memory: WasmMemory; arena: WasmArena } | null = null;
const memoryListeners: (() => void)[] = [];

/** The memory a parent thread passed in workerData, if any. */
function inheritedMemory(): WasmMemory | null {
  if (isMainThread || typeof workerData !== 'object' || workerData === null) return null;
  const memory = (workerData as Record<string, unknown>)[WORKER_DATA_KEY];
  return memory instanceof wasmApi.Memory ? memory : null;
}

function newMemory(): WasmMemory {
  return new wasmApi.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
}

/** This thread's kernel memory (created on first use, or the parent thread's). */
function arenaState(): { memory: WasmMemory; arena: WasmArena } {
  if (threadArena === null) {
    const inherited = inheritedMemory();
    const memory = inherited ?? newMemory();
    threadArena = { memory, arena: createArena(memory, inherited === null) };
  }
  return threadArena;
}

/** This thread's kernel memory and its workspace. */
export function wasmArena(): WasmArena {
  return arenaState().arena;
}

/**
 * Gives this thread a new kernel memory, on which the kernels are instantiated again (see
 * onKernelMemory). A model's parameters get a memory of their own this way (createModel), which
 * is freed with the model and the workers that trained it; the space of one memory is never
 * reused, so a process that trains many models does not grow a single memory without bound.
 * Arrays in the last memory stay valid; the kernels then copy them like any other array.
 */
export function freshKernelMemory(): void {
  if (!wasmSimdAvailable()) return;
  const memory = newMemory();
  threadArena = { memory, arena: createArena(memory, true) };
  for (const listener of memoryListeners) listener();
}

/** Calls `listener` whenever this thread's kernel memory is replaced (freshKernelMemory). */
export function onKernelMemory(listener: () => void): void {
  memoryListeners.push(listener);
}

/** workerData that gives a worker thread this thread's kernel memory, so that both share resident buffers. */
export function kernelMemoryWorkerData(): Record<string, unknown> {
  return wasmSimdAvailable() ? { [WORKER_DATA_KEY]: arenaState().memory } : {};
}

/** Assembles WebAssembly text with wabt (SIMD and shared memory enabled) and compiles it. */
export async function compileWat(name: string, wat: string): Promise<CompiledWat> {
  const tools = await wabt();
  const parsed = tools.parseWat(name, wat, { simd: true, threads: true });
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  return { compiled: new wasmApi.Module(binary) };
}

/** Instantiates a compiled kernel module on this thread's kernel memory; its exports. */
export function instantiateOnArena(module: CompiledWat): Record<string, unknown> {
  return new wasmApi.Instance(module.compiled, { env: { memory: arenaState().memory } }).exports;
}
