import { NtkMemoryError } from '../../errors.js';
import { webAssembly, type WasmMemory } from './webAssembly.js';

/** WebAssembly pages are 64 KiB; wasm32 addresses at most 65536 of them (4 GiB). */
const PAGE = 65536;
const MAX_PAGES = 65536;

/**
 * The linear memory the kernels work in, with a fixed low region and a scratch region above it that
 * each backend call lays out afresh: `reserve(words)` returns the byte address of a float64 block and
 * `release(mark)` frees everything reserved since `mark()`. Memory grows on demand (never shrinks);
 * views must be taken after the last `reserve` of a call, through `f64()`, since growing replaces the
 * buffer.
 */
export class WasmHeap {
  private top: number;

  constructor(
    readonly memory: WasmMemory,
    /** Bytes below which the heap never hands out memory (control block, per-thread workspaces). */
    readonly base: number,
  ) {
    this.top = base;
    this.ensure(base);
  }

  /** Byte address of a fresh block of `words` float64 values (16-byte aligned). */
  reserve(words: number): number {
    const p = this.top;
    const end = p + Math.ceil(words / 2) * 16;
    this.ensure(end);
    this.top = end;
    return p;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** A float64 view of the whole memory (valid until the next reserve). */
  f64(): Float64Array {
    return new Float64Array(this.memory.buffer);
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) {
      throw new NtkMemoryError(
        `wasm backend: the operation needs ${bytes} bytes of WebAssembly memory but wasm32 addresses at most ` +
          `${MAX_PAGES * PAGE} bytes; use NTK_BACKEND=blas or smaller blocks`,
        bytes,
        MAX_PAGES * PAGE,
      );
    }
    this.memory.grow(pages);
  }
}

/** A memory of the kind the kernels were compiled for (shared: between worker threads). */
export function createMemory(shared: boolean): WasmMemory {
  return new (webAssembly()!.Memory)({ initial: 64, maximum: MAX_PAGES, shared });
}
