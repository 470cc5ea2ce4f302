import wabt from 'wabt';

// The lib settings carry no WebAssembly typings (they come with the DOM lib): the few calls used here.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const WASM_PAGE_BYTES = 65536;

/** Whether this engine validates a module using 128-bit SIMD (Node 16.4+ does by default). */
export function wasmSimdAvailable(): boolean {
  // (module (func (result v128) v128.const i32x4 0 0 0 0))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
  ]);
  return wasmApi.validate(probe);
}

/** An instantiated kernel module: its exports and its memory, grown on demand. */
export interface WasmModule {
  readonly exports: Record<string, unknown>;
  /** The memory's buffer with room for `bytes` from offset 0 (a new buffer after growth: renew views). */
  reserve(bytes: number): ArrayBuffer;
}

/** Assembles WebAssembly text with wabt (SIMD enabled) and instantiates it. */
export async function instantiateWat(name: string, wat: string): Promise<WasmModule> {
  const tools = await wabt();
  const parsed = tools.parseWat(name, wat, { simd: true });
  const binary = parsed.toBinary({}).buffer;
  parsed.destroy();
  const { instance } = await wasmApi.instantiate(binary);
  const memory = instance.exports.memory as WasmMemory;
  return {
    exports: instance.exports,
    reserve(bytes) {
      if (bytes > memory.buffer.byteLength) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / WASM_PAGE_BYTES));
      return memory.buffer;
    },
  };
}
