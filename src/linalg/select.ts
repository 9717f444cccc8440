import type { LinalgBackend } from './backend.js';
import { Matrix } from './matrix.js';
import { tsBackend } from './ts/index.js';

/**
 * Backend selection (DESIGN.md §4). `NTK_BACKEND=ts|blas` forces one; otherwise the native
 * OpenBLAS/LAPACKE backend is used when its libraries load, else pure TypeScript. The choice is made
 * once, on first use, and announced in one line on stderr (silence it with NTK_QUIET=1).
 * Node-only modules are reached through `process.getBuiltinModule`, so this file bundles for browsers,
 * where the pure-TypeScript backend is always used.
 */

export type BackendName = 'ts' | 'blas';

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

function announce(proc: NodeProcessLike | null, msg: string): void {
  if (proc && proc.env.NTK_QUIET !== '1') proc.stderr?.write(`ntk-lab: ${msg}\n`);
}

/** Choose a backend: 'ts', 'blas' (an error when the native libraries do not load) or 'auto'. */
export function setBackend(name: BackendName | 'auto'): LinalgBackend {
  const proc = nodeProcess();
  if (name === 'ts') {
    active = tsBackend;
    announce(proc, 'linear algebra backend: ts (pure TypeScript)');
    return active;
  }
  if (proc === null) {
    if (name === 'blas') throw new Error('NTK_BACKEND=blas: the native backend needs Node.js');
    active = tsBackend;
    return active;
  }
  try {
    active = loadNative(proc);
    announce(proc, 'linear algebra backend: blas (OpenBLAS + LAPACKE)');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (name === 'blas') {
      throw new Error(
        `NTK_BACKEND=blas but the native backend did not load: ${why}. ` +
          'On Debian: apt-get install -y libopenblas0 liblapacke',
      );
    }
    active = tsBackend;
    announce(proc, `linear algebra backend: ts (pure TypeScript; native not available: ${why})`);
  }
  return active;
}

/** The active backend, chosen on first use from NTK_BACKEND (default 'auto'). */
export function getBackend(): LinalgBackend {
  if (active) return active;
  const env = nodeProcess()?.env.NTK_BACKEND ?? 'auto';
  if (env !== 'ts' && env !== 'blas' && env !== 'auto') {
    throw new Error(`NTK_BACKEND must be 'ts', 'blas' or 'auto', got '${env}'`);
  }
  return setBackend(env);
}
