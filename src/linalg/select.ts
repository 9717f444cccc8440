import { NtkInputError } from '../errors.js';
import type { LinalgBackend } from './backend.js';
import { Matrix } from './matrix.js';
import { tsBackend } from './ts/index.js';
import { createWasmBackend } from './wasm/index.js';

/**
 * Backend selection (docs/conventions.md §2). `NTK_BACKEND=ts|wasm|blas` forces one; otherwise the first that
 * loads of: the native OpenBLAS/LAPACKE backend (Node with the libraries), the WebAssembly SIMD backend
 * (any engine with wasm SIMD), pure TypeScript. The choice is made once, on first use, and announced in
 * one line on stderr (silence it with NTK_QUIET=1). `NTK_WASM_THREADS` sets the wasm backend's threads
 * (default: the available cores on a main thread, one inside a worker thread). Node-only modules are reached through `process.getBuiltinModule`, so
 * this file bundles for browsers, where the wasm backend (or pure TypeScript) is used.
 */

export type BackendName = 'ts' | 'wasm' | 'blas';

let active: LinalgBackend | null = null;

interface NodeProcessLike {
  env: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
  stderr?: { write(s: string): void };
}

function nodeProcess(): NodeProcessLike | null {
  const p = (globalThis as { process?: NodeProcessLike }).process;
  return p && typeof p.getBuiltinModule === 'function' ? p : null;
}

/**
 * Load the native backend (throws with the reason when the libraries or the FFI are missing).
 * It is a CommonJS module (`native/index.cts`) so that it loads synchronously, on first use.
 */
function loadNative(proc: NodeProcessLike): LinalgBackend {
  const { createRequire } = proc.getBuiltinModule!('node:module') as typeof import('node:module');
  const require = createRequire(import.meta.url);
  const mod = require('./native/index.cjs') as { loadNativeBackend(M: typeof Matrix): LinalgBackend };
  return mod.loadNativeBackend(Matrix);
}

/** Threads for the wasm backend: NTK_WASM_THREADS, else the cores this process may use. */
function wasmThreads(proc: NodeProcessLike | null): number {
  const env = proc?.env.NTK_WASM_THREADS;
  if (env !== undefined && env !== '') {
    const t = Number(env);
    if (!Number.isInteger(t) || t < 1 || t > 32) {
      throw new NtkInputError(`NTK_WASM_THREADS must be an integer from 1 to 32, got '${env}'`);
    }
    return t;
  }
  if (proc) {
    // inside a worker thread (e.g. a kernel tile worker) the cores are already shared out: one thread
    const wt = proc.getBuiltinModule!('node:worker_threads') as { isMainThread: boolean };
    if (!wt.isMainThread) return 1;
    const os = proc.getBuiltinModule!('node:os') as { availableParallelism?: () => number };
    return os.availableParallelism?.() ?? 1;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.min(nav?.hardwareConcurrency ?? 1, 32);
}

/** Load the wasm backend and describe it for the announcement. */
function loadWasm(proc: NodeProcessLike | null): { backend: LinalgBackend; what: string } {
  const backend = createWasmBackend({ threads: wasmThreads(proc) });
  const { simd, threads, threadNote } = backend.info;
  const fma = simd === 'relaxed' ? 'relaxed-SIMD FMA' : 'SIMD without FMA';
  const t = `${threads} thread${threads === 1 ? '' : 's'}${threadNote ? ` (${threadNote})` : ''}`;
  return { backend, what: `wasm (WebAssembly f64x2, ${fma}, ${t})` };
}

function announce(proc: NodeProcessLike | null, msg: string): void {
  if (proc && proc.env.NTK_QUIET !== '1') proc.stderr?.write(`ntk-lab: ${msg}\n`);
}

/** ", SkylakeX kernels" from the native backend's info, saying when this process chose them. */
function kernels(backend: LinalgBackend): string {
  const info = (backend as { native?: { core: string | null; coreTypeSet: string | null } }).native;
  if (!info?.core) return '';
  const chosen = info.coreTypeSet ? ', OPENBLAS_CORETYPE chosen from the CPU flags' : '';
  return `, ${info.core} kernels${chosen}`;
}

const why = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Choose a backend: 'ts', 'wasm', 'blas' (each an error when it does not load) or 'auto'. */
export function setBackend(name: BackendName | 'auto'): LinalgBackend {
  const proc = nodeProcess();
  if (name === 'ts') {
    active = tsBackend;
    announce(proc, 'linear algebra backend: ts (pure TypeScript)');
    return active;
  }
  if (name === 'wasm') {
    let wasm;
    try {
      wasm = loadWasm(proc);
    } catch (err) {
      throw new Error(`NTK_BACKEND=wasm but the WebAssembly backend did not load: ${why(err)}`);
    }
    active = wasm.backend;
    announce(proc, `linear algebra backend: ${wasm.what}`);
    return active;
  }
  let nativeWhy = 'needs Node.js';
  if (proc !== null) {
    try {
      active = loadNative(proc);
      announce(proc, `linear algebra backend: blas (OpenBLAS + LAPACKE${kernels(active)})`);
      return active;
    } catch (err) {
      nativeWhy = why(err);
    }
  }
  if (name === 'blas') {
    throw new Error(
      proc === null
        ? 'NTK_BACKEND=blas: the native backend needs Node.js'
        : `NTK_BACKEND=blas but the native backend did not load: ${nativeWhy}. ` +
            'On Debian: apt-get install -y libopenblas0 liblapacke',
    );
  }
  try {
    const wasm = loadWasm(proc);
    active = wasm.backend;
    announce(proc, `linear algebra backend: ${wasm.what}; native not available: ${nativeWhy}`);
  } catch (err) {
    active = tsBackend;
    announce(
      proc,
      `linear algebra backend: ts (pure TypeScript; native not available: ${nativeWhy}; wasm: ${why(err)})`,
    );
  }
  return active;
}

/** The active backend, chosen on first use from NTK_BACKEND (default 'auto'). */
export function getBackend(): LinalgBackend {
  if (active) return active;
  const env = nodeProcess()?.env.NTK_BACKEND ?? 'auto';
  if (env !== 'ts' && env !== 'wasm' && env !== 'blas' && env !== 'auto') {
    throw new Error(`NTK_BACKEND must be 'ts', 'wasm', 'blas' or 'auto', got '${env}'`);
  }
  return setBackend(env);
}
