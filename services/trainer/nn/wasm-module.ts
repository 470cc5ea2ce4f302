import wabt from 'wabt';

// The lib settings carry no WebAssembly typings (they come with the DOM lib): the few calls used here.
interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: Record<string, unknown> } }>;
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
 * The memory all kernel modules of a thread import. At its bottom lies the workspace, arrays kept
 * there across calls (the step's logits and their gradient), which the kernels use in place; each
 * call copies its other operands above it. The memory is shared-flagged only so that growing it
 * keeps existing views valid (a plain memory's growth detaches them); no other thread sees it.
 */
export interface WasmArena {
  /** The workspace's first `floats` floats, zeroed; the same memory on every call, so a new view ends the last one's use. */
  workspace(floats: number): Float32Array;
  /** Byte address of a view into this memory, or -1 for any other array. */
  addressOf(x: ArrayBufferView): number;
  /** The memory's buffer with `bytes` of room from the returned address, above the workspace. */
  scratch(bytes: number): { readonly at: number; readonly buffer: SharedArrayBuffer };
}

function createArena(memory: WasmMemory): WasmArena {
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  let workspaceBytes = 0;
  const ensure = (bytes: number): SharedArrayBuffer => {
    const have = memory.buffer.byteLength;
    if (bytes > have) {
      memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
      buffers.add(memory.buffer);
    }
    return memory.buffer;
  };
  return {
    workspace(floats) {
      workspaceBytes = Math.max(workspaceBytes, Math.ceil((floats * 4) / 16) * 16);
      const view = new Float32Array(ensure(workspaceBytes), 0, floats);
      view.fill(0);
      return view;
    },
    addressOf(x) {
      return buffers.has(x.buffer) ? x.byteOffset : -1;
    },
    scratch(bytes) {
      return { at: workspaceBytes, buffer: ensure(workspaceBytes + bytes) };
    },
  };
}

let threadArena: { memory: WasmMemory; arena: WasmArena } | null = null;

/** This thread's kernel memory (created on first use). */
function arenaState(): { memory: WasmMemory; arena: WasmArena } {
  if (threadArena === null) {
    const memory = new wasmApi.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    threadArena = { memory, arena: createArena(memory) };
  }
  return threadArena;
}

/** This thread's kernel memory and its workspace. */
export function wasmArena(): WasmArena {
  return arenaState().arena;
}

/** Assembles WebAssembly text with wabt (SIMD and shared memory enabled) and instantiates it on this thread's memory. */
export async function instantiateWat(name: string, wat: string): Promise<Record<string, unknown>> {
  const tools = await wabt();
  const parsed = tools.parseWat(name, wat, { simd: true, threads: true });
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  const { instance } = await wasmApi.instantiate(binary, { env: { memory: arenaState().memory } });
  return instance.exports;
}
