import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DecompressHandlers } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';

/**
 * LZ4 frame decompression (ROS 1 bag and MCAP chunks) on the WebAssembly build of @foxglove/wasm-lz4, with our own
 * loader instead of the package's. The package keeps one WebAssembly instance for the process, and once one damaged
 * frame fails in it, every later frame fails too, valid or not (tested): one bad upload would make every LZ4 bag a
 * worker probes afterwards "corrupt" until it restarts. Here a failed frame retires its instance and the next frame
 * gets a new one, made synchronously from the module compiled once (well under a millisecond, 2 MiB of memory).
 *
 * The instance's imports and exports are the package's own (minified names of version 1.0.2, pinned in package.json);
 * they are checked at load, and lz4-frame.spec.ts decompresses real frames through them.
 */
/** The part of the WebAssembly API used here (the Node type library leaves it out). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Lz4Exports {
  memory: WasmMemory;
  malloc: (size: number) => number;
  free: (pointer: number) => void;
  createDecompressionContext: () => number;
  decompressFrame: (context: number, dest: number, destSize: number, src: number, srcSize: number) => number;
}

const require = createRequire(import.meta.url);
const WASM_PAGE = 65_536;
const MAX_HEAP = 2 ** 31;

let compiled: object | undefined;
let current: { exports: Lz4Exports; context: number } | undefined;

function instantiate(): { exports: Lz4Exports; context: number } {
  compiled ??= new wasm.Module(readFileSync(require.resolve('@foxglove/wasm-lz4/dist/wasm-lz4.wasm')));
  // The instance's own memory, known once it exists (the imports are made before it).
  const heap: { memory?: WasmMemory } = {};
  const instance = new wasm.Instance(compiled, {
    a: {
      // emscripten_resize_heap: grow to at least the requested size, answering whether it could.
      a: (requested: number): number => {
        const { memory } = heap;
        if (!memory || requested > MAX_HEAP) return 0;
        try {
          memory.grow(Math.ceil((requested - memory.buffer.byteLength) / WASM_PAGE));
          return 1;
        } catch {
          return 0;
        }
      },
      // emscripten_memcpy_big
      b: (dest: number, src: number, count: number): void => {
        if (heap.memory) new Uint8Array(heap.memory.buffer).copyWithin(dest, src, src + count);
      },
    },
  });
  const raw = instance.exports;
  const fn = (name: string) => {
    const value = raw[name];
    if (typeof value !== 'function') throw new Error(`@foxglove/wasm-lz4 is not the build this loader knows (export ${name} is missing)`);
    return value as (...args: number[]) => number;
  };
  if (!(raw.c instanceof wasm.Memory)) throw new Error('@foxglove/wasm-lz4 is not the build this loader knows (no memory export)');
  heap.memory = raw.c;
  fn('d')(); // the module's constructors
  const exports: Lz4Exports = {
    memory: raw.c,
    malloc: fn('e'),
    free: fn('f'),
    decompressFrame: fn('h'),
    createDecompressionContext: fn('i'),
  };
  return { exports, context: exports.createDecompressionContext() };
}

/**
 * Decompresses one LZ4 frame into at most `size` bytes (the size its container declares; callers bound it first, see
 * DecompressionBudget, which also checks the output's size); throws when the frame is damaged.
 */
export function decompressLz4Frame(compressed: Uint8Array, size: number): Uint8Array {
  current ??= instantiate();
  const { exports, context } = current;
  const src = exports.malloc(compressed.byteLength);
  const dest = exports.malloc(size);
  try {
    if (src === 0 || dest === 0) {
      current = undefined;
      throw new Error(`no memory for an LZ4 frame of ${String(size)} bytes`);
    }
    new Uint8Array(exports.memory.buffer, src, compressed.byteLength).set(compressed);
    const written = exports.decompressFrame(context, dest, size, src, compressed.byteLength);
    if (written < 0) {
      // The instance is not to be trusted after a failed frame: the next frame gets a new one.
      current = undefined;
      throw new Error('the LZ4 frame is damaged');
    }
    return new Uint8Array(exports.memory.buffer, dest, written).slice();
  } finally {
    if (current?.exports === exports) {
      if (src !== 0) exports.free(src);
      if (dest !== 0) exports.free(dest);
    }
  }
}

/** @mcap/support's decompressors (bz2, zstd: theirs recover from a damaged frame) with LZ4 through decompressLz4Frame. */
export async function mcapDecompressHandlers(): Promise<DecompressHandlers> {
  const loaded = await loadDecompressHandlers();
  return { ...loaded, lz4: (buffer, size) => decompressLz4Frame(buffer, Number(size)) };
}
