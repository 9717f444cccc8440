/**
 * FFI bindings to the system's OpenBLAS (CBLAS interface) and LAPACKE, loaded at run time with
 * koffi (docs/conventions.md §2, option 2). Float64Array arguments are passed as raw pointers to their memory
 * (koffi passes a typed array's data pointer, byteOffset included, without copying), so row-block
 * views of a larger matrix work in place.
 *
 * Everything here throws an Error naming the library or symbol that is missing; select.ts turns
 * that into a fallback to the pure-TypeScript backend or, under NTK_BACKEND=blas, into an error.
 */

import { openBlasEnvironment } from './openBlasEnvironment.cjs';

/** CBLAS / LAPACKE enumeration values (cblas.h, lapacke.h). */
export const CBLAS = {
  RowMajor: 101,
  ColMajor: 102,
  NoTrans: 111,
  Trans: 112,
  Upper: 121,
  Lower: 122,
  NonUnit: 131,
  Left: 141,
} as const;

export const LAPACK_COL_MAJOR = 102;

/** The routines ntk-lab calls; integer arguments are 32-bit (LP64 CBLAS/LAPACKE). */
export interface NativeRoutines {
  dgemm(
    order: number,
    transA: number,
    transB: number,
    m: number,
    n: number,
    k: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
    beta: number,
    C: Float64Array,
    ldc: number,
  ): void;
  dsyrk(
    order: number,
    uplo: number,
    trans: number,
    n: number,
    k: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    beta: number,
    C: Float64Array,
    ldc: number,
  ): void;
  dgemv(
    order: number,
    trans: number,
    m: number,
    n: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    x: Float64Array,
    incx: number,
    beta: number,
    y: Float64Array,
    incy: number,
  ): void;
  dtrsm(
    order: number,
    side: number,
    uplo: number,
    transA: number,
    diag: number,
    m: number,
    n: number,
    alpha: number,
    A: Float64Array,
    lda: number,
    B: Float64Array,
    ldb: number,
  ): void;
  /** Returns LAPACK's info: 0 ok, < 0 illegal argument (or NaN found), > 0 failing leading minor. */
  dpotrf(layout: number, uplo: number, n: number, A: Float64Array, lda: number): number;
  /** Returns LAPACK's info: 0 ok, < 0 illegal argument (or NaN found), > 0 no convergence. */
  dsyevd(
    layout: number,
    jobz: number,
    uplo: number,
    n: number,
    A: Float64Array,
    lda: number,
    w: Float64Array,
  ): number;
}

export interface NativeInfo {
  /** The files that were opened, e.g. ['libopenblas.so.0', 'liblapacke.so.3']. */
  readonly libraries: readonly string[];
  /** openblas_get_config(), or null when the BLAS is not OpenBLAS. */
  readonly config: string | null;
  /** openblas_get_corename(): the kernels OpenBLAS runs (e.g. 'SkylakeX'), or null when unknown. */
  readonly core: string | null;
  /** The OPENBLAS_CORETYPE this process set before loading (./coreType.cts), or null when it set none. */
  readonly coreTypeSet: string | null;
  /** openblas_get_num_threads() at the time of the call, or null when unknown. */
  threads(): number | null;
  /** openblas_set_num_threads(n); false when the library has no such call. */
  setThreads(n: number): boolean;
}

export interface NativeBindings {
  readonly routines: NativeRoutines;
  readonly info: NativeInfo;
}

type Koffi = typeof import('koffi');
type Library = ReturnType<Koffi['load']>;

/** Library file names tried in order; NTK_BLAS_LIB / NTK_LAPACKE_LIB (a path or name) replace them. */
function candidates(kind: 'blas' | 'lapacke', env: Record<string, string | undefined>): string[] {
  const override = kind === 'blas' ? env.NTK_BLAS_LIB : env.NTK_LAPACKE_LIB;
  const byPlatform: Record<string, Record<'blas' | 'lapacke', string[]>> = {
    linux: { blas: ['libopenblas.so.0', 'libopenblas.so'], lapacke: ['liblapacke.so.3', 'liblapacke.so'] },
    darwin: {
      blas: ['libopenblas.dylib', 'libopenblas.0.dylib'],
      lapacke: ['liblapacke.dylib', 'liblapacke.3.dylib'],
    },
    win32: { blas: ['libopenblas.dll', 'openblas.dll'], lapacke: ['liblapacke.dll', 'lapacke.dll'] },
  };
  const names = (byPlatform[process.platform] ?? byPlatform.linux)[kind];
  return override ? [override] : names;
}

function openFirst(koffi: Koffi, names: string[]): { lib: Library; name: string } | { errors: string[] } {
  const errors: string[] = [];
  for (const name of names) {
    try {
      return { lib: koffi.load(name), name };
    } catch (err) {
      errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { errors };
}

/** Bind one C prototype; the error names the symbol and the library it was looked up in. */
function bind(lib: Library, libName: string, prototype: string): (...args: unknown[]) => unknown {
  try {
    return lib.func(prototype);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`symbol missing in ${libName}: '${prototype}' (${why})`);
  }
}

function tryBind(lib: Library, prototype: string): ((...args: unknown[]) => unknown) | null {
  try {
    return lib.func(prototype);
  } catch {
    return null;
  }
}

/**
 * Set a variable in the process's C environment, which OpenBLAS reads when it loads. On the main thread
 * process.env is that environment; in a worker thread it is a copy that native code never sees, so there
 * libc's setenv is called (without overwriting: a value set meanwhile stands).
 */
function setEnvironment(koffi: Koffi, name: string, value: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
  if (isMainThread) {
    process.env[name] = value;
    return;
  }
  try {
    const setenv = koffi
      .load('libc.so.6')
      .func('int setenv(const char *name, const char *value, int overwrite)');
    setenv(name, value, 0);
  } catch {
    // not glibc: OpenBLAS keeps its own choice, which info.core reports
  }
}

const LAPACKE_PROTOTYPES = {
  dpotrf: 'int LAPACKE_dpotrf(int layout, char uplo, int n, double *a, int lda)',
  dsyevd: 'int LAPACKE_dsyevd(int layout, char jobz, char uplo, int n, double *a, int lda, double *w)',
} as const;

/**
 * Open OpenBLAS and LAPACKE and bind the routines. LAPACKE is taken from liblapacke when it loads,
 * else from OpenBLAS itself (builds without NO_LAPACKE export the LAPACKE_* symbols).
 */
export function loadBindings(): NativeBindings {
  let koffi: Koffi;
  try {
    // Required here, not at the top, so that a missing FFI package is one clear Error from this call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    koffi = require('koffi') as Koffi;
  } catch (err) {
    throw new Error(
      `the FFI package 'koffi' did not load (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const env = process.env;
  const settings = openBlasEnvironment(env);
  for (const [name, value] of Object.entries(settings)) setEnvironment(koffi, name, value);
  const coreTypeSet = settings.OPENBLAS_CORETYPE ?? null;

  const blas = openFirst(koffi, candidates('blas', env));
  if ('errors' in blas) throw new Error(`OpenBLAS not found (tried ${blas.errors.join('; ')})`);

  const cblas = (proto: string) => bind(blas.lib, blas.name, proto);
  const dgemm = cblas(
    'void cblas_dgemm(int order, int ta, int tb, int m, int n, int k, double alpha, const double *A, int lda, const double *B, int ldb, double beta, double *C, int ldc)',
  );
  const dsyrk = cblas(
    'void cblas_dsyrk(int order, int uplo, int trans, int n, int k, double alpha, const double *A, int lda, double beta, double *C, int ldc)',
  );
  const dgemv = cblas(
    'void cblas_dgemv(int order, int trans, int m, int n, double alpha, const double *A, int lda, const double *x, int incx, double beta, double *y, int incy)',
  );
  const dtrsm = cblas(
    'void cblas_dtrsm(int order, int side, int uplo, int ta, int diag, int m, int n, double alpha, const double *A, int lda, double *B, int ldb)',
  );

  const lapacke = openFirst(koffi, candidates('lapacke', env));
  let lapackeName: string;
  let dpotrf: (...args: unknown[]) => unknown;
  let dsyevd: (...args: unknown[]) => unknown;
  if ('lib' in lapacke) {
    lapackeName = lapacke.name;
    dpotrf = bind(lapacke.lib, lapacke.name, LAPACKE_PROTOTYPES.dpotrf);
    dsyevd = bind(lapacke.lib, lapacke.name, LAPACKE_PROTOTYPES.dsyevd);
  } else {
    const p = tryBind(blas.lib, LAPACKE_PROTOTYPES.dpotrf);
    const s = tryBind(blas.lib, LAPACKE_PROTOTYPES.dsyevd);
    if (p === null || s === null) {
      throw new Error(
        `LAPACKE not found (tried ${lapacke.errors.join('; ')}; ${blas.name} has no LAPACKE_* symbols)`,
      );
    }
    lapackeName = blas.name;
    dpotrf = p;
    dsyevd = s;
  }

  const getConfig = tryBind(blas.lib, 'const char *openblas_get_config()');
  const getCore = tryBind(blas.lib, 'const char *openblas_get_corename()');
  const getThreads = tryBind(blas.lib, 'int openblas_get_num_threads()');
  const setThreads = tryBind(blas.lib, 'void openblas_set_num_threads(int n)');

  const routines = { dgemm, dsyrk, dgemv, dtrsm, dpotrf, dsyevd } as unknown as NativeRoutines;
  const info: NativeInfo = {
    libraries: lapackeName === blas.name ? [blas.name] : [blas.name, lapackeName],
    config: getConfig ? (getConfig() as string) : null,
    core: getCore ? (getCore() as string) : null,
    coreTypeSet,
    threads: () => (getThreads ? (getThreads() as number) : null),
    setThreads: (n: number) => {
      if (!Number.isInteger(n) || n < 1)
        throw new RangeError(`setThreads: n must be a positive integer, got ${n}`);
      if (!setThreads) return false;
      setThreads(n);
      return true;
    },
  };
  return { routines, info };
}
