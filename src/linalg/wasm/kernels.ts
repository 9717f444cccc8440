import { kernelsWasm } from './kernelsWasm.generated.js';
import { webAssembly, type WasmMemory, type WasmModule } from './webAssembly.js';

/**
 * The compiled AssemblyScript kernels (built from ./assembly by scripts/build-wasm.js) and how to
 * instantiate them. Four binaries differ only in their memory kind (private, or shared between threads)
 * and their multiply–add: relaxed SIMD's fused `f64x2.relaxed_madd` where the engine validates it,
 * `f64x2.mul` + `f64x2.add` otherwise. Pointers are byte addresses in the imported memory.
 */
export interface WasmKernelExports {
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    work: number,
  ): void;
  /** float64 words of workspace that one `gemm` call needs. */
  gemmWork(): number;
  gemv(
    trans: boolean,
    m: number,
    n: number,
    alpha: number,
    a: number,
    lda: number,
    x: number,
    beta: number,
    y: number,
  ): void;
  /** Householder tridiagonalization of an n×n lower triangle (see assembly/tridiagonalize.ts). */
  tridiagonalize(
    n: number,
    a: number,
    keepReflectors: boolean,
    d: number,
    e: number,
    tau: number,
    work: number,
    gemmWork: number,
  ): void;
  /** float64 words of workspace that `tridiagonalize` needs for order n. */
  tridiagonalizeWork(n: number): number;
  /** One 3×3 'ntk' Conv → ReLU layer of the fused CNTK recursion (see assembly/conv3x3Relu.ts; pin 0: none). */
  conv3x3Relu(
    oh: number,
    ow: number,
    S: number,
    T: number,
    dS: number,
    dT: number,
    bw: number,
    nextTop: number,
    nextLeft: number,
    w2: number,
    bb: number,
    inv: number,
    q1: number,
    n1: number,
    i1: number,
    q2: number,
    n2: number,
    i2: number,
    wOut: number,
    sh: number,
    sw: number,
    pin: number,
  ): void;
  /** The whole CNTK recursion of one pair for a chain of 3×3 SAME 'ntk' Conv → Relu blocks (assembly/convReluChain.ts). */
  convReluChain(
    H: number,
    W: number,
    C: number,
    nBlocks: number,
    bw: number,
    x1: number,
    x2: number,
    v1: number,
    n1: number,
    i1: number,
    v2: number,
    n2: number,
    i2: number,
    stride: number,
    blocks: number,
    S0: number,
    S1: number,
    T0: number,
    T1: number,
    taps: number,
    sums: number,
    rh: number,
    rw: number,
    self: boolean,
    mirror: boolean,
    out: number,
    compact: number,
  ): void;
  /** y[i] = acos x[i], i < n, by the f64x2 arccos of the CNTK kernel (see assembly/acos.ts). */
  acosArray(n: number, x: number, y: number): void;
}

export type SimdFlavour = 'relaxed' | 'plain';

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The binary of the kernels for a memory kind and a SIMD flavour. */
export function kernelBinary(shared: boolean, simd: SimdFlavour): Uint8Array {
  if (shared) return decodeBase64(simd === 'relaxed' ? kernelsWasm.sharedRelaxed : kernelsWasm.sharedPlain);
  return decodeBase64(simd === 'relaxed' ? kernelsWasm.relaxed : kernelsWasm.plain);
}

/** Whether this engine runs 128-bit SIMD at all (every current browser and Node ≥ 16 do). */
export function simdAvailable(): boolean {
  return webAssembly()?.validate(kernelBinary(false, 'plain')) ?? false;
}

let relaxed: boolean | null = null;

/**
 * Whether relaxed SIMD validates. Node 20's V8 has it behind --experimental-wasm-relaxed-simd (on by
 * default from V8 11.4, Node 22): in Node the flag is set at run time through `v8.setFlagsFromString`
 * before the second check, which affects only WebAssembly compiled afterwards.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed !== null) return relaxed;
  const bytes = kernelBinary(false, 'relaxed');
  const wasm = webAssembly();
  let ok = wasm?.validate(bytes) ?? false;
  if (wasm && !ok) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString(f: string): void } | undefined;
    if (v8) {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      ok = wasm.validate(bytes);
    }
  }
  relaxed = ok;
  return ok;
}

/** Compile the kernels for a memory kind and a SIMD flavour (the flavour must validate). */
export function compileKernels(shared: boolean, simd: SimdFlavour): WasmModule {
  return new (webAssembly()!.Module)(kernelBinary(shared, simd));
}

/** Instantiate compiled kernels over a memory (of the kind they were compiled for). */
export function instantiateKernels(module: WasmModule, memory: WasmMemory): WasmKernelExports {
  return new (webAssembly()!.Instance)(module, { env: { memory } }).exports as unknown as WasmKernelExports;
}
