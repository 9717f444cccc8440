import type { Key } from '../random/key.js';
import { PRNGKey, foldIn } from '../random/keys.js';
import { normal } from '../random/normal.js';
import { checkKey } from '../random/threefry.js';
import type { LinalgBackend } from './backend.js';
import { vectorNorm } from './elementwise.js';
import { Matrix } from './matrix.js';
import { getBackend } from './select.js';

/**
 * Top-k / bottom-k eigenpairs of a symmetric operator by block Lanczos with thick restart.
 *
 * The method (Wu & Simon, "Thick-restart Lanczos method for large symmetric eigenvalue problems",
 * SIAM J. Matrix Anal. Appl. 22(2), 2000, §2–3; block form as in Golub & Van Loan, Matrix
 * Computations, 4th ed., §10.3.6): with Q = [Q₁ … Q_j] orthonormal and block size b, each step
 * computes W = A·Q_j, orthogonalizes it against all of Q, and factors W = Q_{j+1}·R_j, which keeps
 *     A·Q = Q·H + Q_{j+1}·R_j·E_jᵀ                                                      (1)
 * with H = QᵀAQ. The Ritz pairs (θ, Q·s) of H have residuals ‖A·y − θ·y‖ = ‖R_j·E_jᵀ·s‖ (eq. 1),
 * read off without touching A. When Q is full, the p most wanted Ritz vectors Y are kept and the
 * Lanczos process continues from Q_{j+1}; (1) then holds with H = [diag(θ) Sᵀ·E_j·R_jᵀ; …] ("thick
 * restart"), so nothing already learned is thrown away.
 *
 * Basis vectors are stored as rows (Qᵀ, m × n row-major) so that the leading part of the basis is a
 * contiguous view and every heavy operation is one GEMM of the active backend: for an explicit A,
 * Wᵀ = Q_jᵀ·A (A symmetric), orthogonalization C = Qᵀ·W and W −= Q·C, restarts Yᵀ = Sᵀ·Qᵀ. The
 * products A·Q are kept beside Q (and restarted with it), so the final residuals ‖A·y − θ·y‖ are
 * formed as (A·Q)·s − θ·Q·s without another pass over A. The projected problem H·s = θ·s is solved by
 * the backend's dense `syev`.
 *
 * Small problems (n ≤ maxBasis + blockSize) are solved by the dense `syev` of the matrix (formed from
 * the operator with n products when implicit).
 */

/** An implicit symmetric operator applied to a block: out ← A·V for V, out of size n × b (any b ≥ 1). */
export interface BlockOperator {
  readonly n: number;
  /** out ← A·V. */
  apply(V: Matrix, out: Matrix): void;
}

/** An implicit symmetric operator applied to one vector: out ← A·v (v, out of length n). */
export interface VectorOperator {
  readonly n: number;
  /** out ← A·v. */
  matvec(v: Float64Array, out: Float64Array): void;
}

/** A symmetric A for {@link lanczos}: explicit, applied to blocks, to vectors, or a function v ↦ A·v (with `opts.n`). */
export type SymmetricOperator =
  Matrix | BlockOperator | VectorOperator | ((v: Float64Array, out: Float64Array) => void);

/** The state of a {@link lanczos} run, passed to `onProgress` after every restart. */
export interface LanczosProgress {
  restarts: number;
  iterations: number;
  matvecs: number;
  /** How many of the k wanted Ritz pairs meet the tolerance (by the residual estimate of eq. 1). */
  converged: number;
  /** Largest relative residual estimate ‖A·y − θ·y‖ / ‖A‖ among the k wanted Ritz pairs. */
  maxRelativeResidual: number;
}

/** Options of {@link lanczos}. */
export interface LanczosOptions {
  /** Number of eigenpairs wanted, 1 ≤ k ≤ n. */
  k: number;
  /** Which end of the spectrum: algebraically largest (default) or smallest. */
  which?: 'largest' | 'smallest';
  /** Stop when every wanted pair has ‖A·y − θ·y‖ ≤ tol·‖A‖₂ (‖A‖₂ estimated by the largest |Ritz value|). Default 1e-10. */
  tol?: number;
  /** Give up (converged: false) after this many restarts. Default 1000. */
  maxRestarts?: number;
  /** Give up after this many block steps (each one block product A·Q_j). Default unlimited. */
  maxIterations?: number;
  /**
   * Block size b (vectors per product A·Q_j). Default min(k, 32) for an explicit matrix (one pass over
   * A serves b vectors), min(k, 4) for a BlockOperator, 1 for a vector operator or function (a block
   * only costs more products there).
   */
  blockSize?: number;
  /**
   * Largest basis, in vectors, including the block being expanded (≥ k + 2b). Default k + max(k, c·b, 40)
   * with c = 4 for an explicit matrix, 12 for a BlockOperator, 40 for a vector operator. Memory is
   * 2·maxBasis·n float64 (the basis Q and the products A·Q). When n ≤ maxBasis + b, the full
   * decomposition of the (formed) matrix is used instead.
   */
  maxBasis?: number;
  /**
   * 'full' (default): every new block is orthogonalized against the whole basis twice (classical
   * Gram–Schmidt twice, "twice is enough": Giraud et al., Numer. Math. 101, 2005).
   * 'selective': the second pass is done only when the first one cancelled (‖w′‖ < ‖w‖/√2, the
   * criterion of Daniel, Gragg, Kaufman & Stewart, Math. Comp. 30, 1976) — about half the
   * orthogonalization work when cancellation is rare. (This is not Parlett–Scott selective
   * orthogonalization against converged Ritz vectors.)
   */
  reorthogonalization?: 'full' | 'selective';
  /** Key of the random start block (default PRNGKey(0)): same key → same result. */
  key?: Key;
  /** Size n, required when `op` is a plain function. */
  n?: number;
  /** Called after every restart (and at the end). */
  onProgress?: (p: LanczosProgress) => void;
}

/** The eigenpairs {@link lanczos} found, with their residuals and the work done. */
export interface LanczosResult {
  /** The k eigenvalues, descending for 'largest', ascending for 'smallest'. */
  values: Float64Array;
  /** n × k; column j is the unit eigenvector of values[j]. */
  vectors: Matrix;
  /**
   * ‖A·v_j − λ_j·v_j‖₂ from the stored products: A·v_j = (A·Q)·s_j with the A·q_i kept from the
   * iteration, so it equals the directly computed residual up to rounding (not the estimate of eq. 1)
   * and costs no extra operator application.
   */
  residuals: Float64Array;
  /** Block steps taken (products A·Q_j). */
  iterations: number;
  /** Operator applications, counted per vector (a block product of b vectors counts b). */
  matvecs: number;
  restarts: number;
  /** Every residual ≤ tol·‖A‖₂. */
  converged: boolean;
}

const EPS = 2 ** -52;

/** Applies A to a block of row vectors: Wᵀ ← (A·Vᵀᵀ)ᵀ, Vt and Wt of size b × n. */
type RowApply = (Vt: Matrix, Wt: Matrix) => void;

function checkFinite(x: Float64Array, what: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`lanczos: ${what} contains ${x[i]} at flat index ${i}`);
  }
}

/**
 * Throw unless A is square, finite and symmetric to |a_ij − a_ji| ≤ 1e-10·max|a|. One pass over A in
 * 64 × 64 tile pairs (i-tile, j-tile) and their mirrors, so the transposed reads stay in cache.
 */
function checkSymmetricMatrix(A: Matrix, what: string): void {
  if (A.rows !== A.cols) throw new RangeError(`lanczos: ${what} must be square, got ${A.rows}×${A.cols}`);
  const n = A.rows;
  const a = A.data;
  const T = 64;
  let amax = 0;
  let dmax = 0;
  let di = 0;
  let dj = 0;
  let finite = true;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = Math.min(i0 + T, n);
    for (let j0 = 0; j0 <= i0; j0 += T) {
      for (let i = i0; i < i1; i++) {
        const j1 = Math.min(j0 + T, i + 1);
        for (let j = j0; j < j1; j++) {
          const x = a[i * n + j];
          const y = a[j * n + i];
          if (x - x !== 0 || y - y !== 0) finite = false;
          const ax = Math.abs(x);
          if (ax > amax) amax = ax;
          const d = Math.abs(x - y);
          if (d > dmax) {
            dmax = d;
            di = i;
            dj = j;
          }
        }
      }
    }
  }
  if (!finite) checkFinite(a, what);
  // amax above covers the lower triangle; the bound uses it (the upper one differs by at most dmax).
  const tol = 1e-10 * amax;
  if (dmax > tol) {
    throw new RangeError(
      `lanczos: ${what} must be symmetric; |A[${di}][${dj}] − A[${dj}][${di}]| = ${dmax} exceeds 1e-10·max|A| = ${tol}`,
    );
  }
}

/** Normalize the operator argument to (n, row-block apply). */
function asRowApply(
  op: SymmetricOperator,
  nOpt: number | undefined,
  backend: LinalgBackend,
): { n: number; apply: RowApply; preferredBlock: number; blocksPerBasis: number } {
  if (op instanceof Matrix) {
    checkSymmetricMatrix(op, 'op (explicit matrix)');
    // Wᵀ = Vᵀ·A = (A·V)ᵀ because A is symmetric.
    return {
      n: op.rows,
      preferredBlock: 32,
      blocksPerBasis: 4,
      apply: (Vt, Wt) => backend.gemm(false, false, 1, Vt, op, 0, Wt),
    };
  }
  if (typeof op === 'function') {
    if (nOpt === undefined || !Number.isInteger(nOpt) || nOpt < 1) {
      throw new RangeError(`lanczos: a function operator needs opts.n (a positive integer), got ${nOpt}`);
    }
    return {
      n: nOpt,
      preferredBlock: 1,
      blocksPerBasis: 40,
      apply: (Vt, Wt) => {
        for (let r = 0; r < Vt.rows; r++) op(Vt.row(r), Wt.row(r));
        checkFinite(Wt.data, 'the operator output');
      },
    };
  }
  if (op !== null && typeof op === 'object' && Number.isInteger(op.n) && op.n >= 1) {
    if ('apply' in op && typeof op.apply === 'function') {
      const block = op;
      return {
        n: op.n,
        preferredBlock: 4,
        blocksPerBasis: 12,
        apply: (Vt, Wt) => {
          const out = new Matrix(block.n, Vt.rows);
          block.apply(Vt.transpose(), out);
          checkFinite(out.data, 'the operator output');
          Wt.data.set(out.transpose().data);
        },
      };
    }
    if ('matvec' in op && typeof op.matvec === 'function') {
      const vec = op;
      return {
        n: op.n,
        preferredBlock: 1,
        blocksPerBasis: 40,
        apply: (Vt, Wt) => {
          for (let r = 0; r < Vt.rows; r++) vec.matvec(Vt.row(r), Wt.row(r));
          checkFinite(Wt.data, 'the operator output');
        },
      };
    }
  }
  throw new TypeError(
    'lanczos: op must be a symmetric Matrix, { n, apply(V, out) }, { n, matvec(v, out) } or a function (v, out) => void with opts.n',
  );
}

function positiveInt(v: number | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`lanczos: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * The k wanted eigenpairs of a small problem from the full decomposition of the n × n matrix
 * (formed from the operator when implicit): used when n is too small for a Krylov basis with restarts.
 */
function denseEigs(
  n: number,
  apply: RowApply,
  explicitA: Matrix | null,
  k: number,
  largest: boolean,
  backend: LinalgBackend,
): { values: Float64Array; Yt: Matrix; anorm: number } {
  let A = explicitA;
  if (A === null) {
    const At = new Matrix(n, n);
    apply(Matrix.identity(n), At); // row i = (A·e_i)ᵀ
    checkSymmetricMatrix(At, 'the operator (formed densely because n is small)');
    A = At;
  }
  const { values, vectors } = backend.syev(A, true);
  const V = vectors!;
  const out = new Float64Array(k);
  const Yt = new Matrix(k, n);
  for (let j = 0; j < k; j++) {
    const src = largest ? n - 1 - j : j;
    out[j] = values[src];
    for (let i = 0; i < n; i++) Yt.data[j * n + i] = V.data[i * n + src];
  }
  return { values: out, Yt, anorm: n > 0 ? Math.max(Math.abs(values[0]), Math.abs(values[n - 1])) : 0 };
}

/** Top-k (or bottom-k) eigenpairs A·v = λ·v of a symmetric operator by block Lanczos with thick restart (Wu & Simon 2000, §2–3): each step keeps A·Q = Q·H + Q_{j+1}·R_j·E_jᵀ, and the Ritz pairs of H = QᵀAQ converge to the extreme eigenpairs; small problems go to the dense eigensolver. */
export function lanczos(op: SymmetricOperator, opts: LanczosOptions): LanczosResult {
  if (opts === null || typeof opts !== 'object')
    throw new TypeError('lanczos: opts must be an object with at least { k }');
  const backend = getBackend();
  const { n, apply, preferredBlock, blocksPerBasis } = asRowApply(op, opts.n, backend);
  const k = opts.k;
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new RangeError(`lanczos: k must be an integer in [1, n = ${n}], got ${k}`);
  const which = opts.which ?? 'largest';
  if (which !== 'largest' && which !== 'smallest') {
    throw new RangeError(`lanczos: which must be 'largest' or 'smallest', got '${String(which)}'`);
  }
  const largest = which === 'largest';
  const tol = opts.tol ?? 1e-10;
  if (!(tol > 0 && tol < 1)) throw new RangeError(`lanczos: tol must be in (0, 1), got ${tol}`);
  const reorth = opts.reorthogonalization ?? 'full';
  if (reorth !== 'full' && reorth !== 'selective') {
    throw new RangeError(
      `lanczos: reorthogonalization must be 'full' or 'selective', got '${String(reorth)}'`,
    );
  }
  const maxRestarts = opts.maxRestarts === undefined ? 1000 : opts.maxRestarts;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) {
    throw new RangeError(`lanczos: maxRestarts must be a non-negative integer, got ${maxRestarts}`);
  }
  const maxIterations =
    opts.maxIterations === undefined ? Infinity : positiveInt(opts.maxIterations, 'maxIterations', 1);
  const b = positiveInt(opts.blockSize, 'blockSize', Math.min(k, preferredBlock));
  const mMax = positiveInt(opts.maxBasis, 'maxBasis', k + Math.max(k, blocksPerBasis * b, 40));
  if (mMax < k + 2 * b)
    throw new RangeError(`lanczos: maxBasis must be ≥ k + 2·blockSize = ${k + 2 * b}, got ${mMax}`);
  const key = opts.key ?? PRNGKey(0);
  checkKey(key, 'lanczos (opts.key)');
  const explicitA = op instanceof Matrix ? op : null;

  /** The result from Ritz pairs (values, Yᵀ) and AYᵀ = (A·Y)ᵀ: residual rows AYᵀ − diag(θ)·Yᵀ. */
  const finish = (
    values: Float64Array,
    Yt: Matrix,
    AYt: Matrix,
    iterations: number,
    matvecs: number,
    restarts: number,
    anorm: number,
  ): LanczosResult => {
    const Wt = AYt;
    const residuals = new Float64Array(k);
    let scale = anorm;
    for (let j = 0; j < k; j++) scale = Math.max(scale, Math.abs(values[j]));
    let converged = true;
    for (let j = 0; j < k; j++) {
      const w = Wt.row(j);
      const y = Yt.row(j);
      let s = 0;
      for (let i = 0; i < n; i++) {
        const r = w[i] - values[j] * y[i];
        s += r * r;
      }
      residuals[j] = Math.sqrt(s);
      if (!(residuals[j] <= tol * scale)) converged = false;
    }
    const maxRel = scale > 0 ? Math.max(...residuals) / scale : 0;
    const nconv = residuals.filter((r) => r <= tol * scale).length;
    opts.onProgress?.({ restarts, iterations, matvecs, converged: nconv, maxRelativeResidual: maxRel });
    return { values, vectors: Yt.transpose(), residuals, iterations, matvecs, restarts, converged };
  };

  // Small problems: no room for a restarted Krylov basis, use the dense decomposition.
  if (n <= mMax + b) {
    const { values, Yt, anorm } = denseEigs(n, apply, explicitA, k, largest, backend);
    const AYt = new Matrix(k, n);
    apply(Yt, AYt);
    return finish(values, Yt, AYt, 0, (explicitA ? 0 : n) + k, 0, anorm);
  }

  // Workspace: basis rows Qt[0, s) and the current block Qt[s, s + b), s + b ≤ maxBasis; H = QᵀAQ with
  // its coupling to the current block (lower triangle maintained, eq. 1).
  const cap = mMax;
  const Qt = new Matrix(cap, n);
  const AQt = new Matrix(cap, n); // rows (A·q_i)ᵀ of the applied basis vectors: residuals without extra products
  const H = new Matrix(cap, cap);
  const Wt = new Matrix(b, n);
  let draws = 0; // random blocks drawn so far (start block and breakdown replacements)
  let anorm = 0; // running estimate of ‖A‖₂: largest |Ritz value| seen
  let iterations = 0;
  let matvecs = 0;
  let restarts = 0;

  /** Orthogonalize the rows of X (r × n) against Qt[0, m): X ← X − (X·Q)·Qᵀ, once or twice; returns the coefficients. */
  const orthogonalizeAgainstBasis = (X: Matrix, m: number, twice: boolean): Matrix => {
    const C = new Matrix(X.rows, m); // C = X·Q (rows of X against basis rows)
    if (m === 0) return C;
    const Q = Qt.rowBlock(0, m);
    const norms0 = twice ? null : Array.from({ length: X.rows }, (_, r) => vectorNorm(X.row(r)));
    backend.gemm(false, true, 1, X, Q, 0, C);
    backend.gemm(false, false, -1, C, Q, 1, X);
    let again = twice;
    if (!twice) {
      for (let r = 0; r < X.rows && !again; r++)
        if (vectorNorm(X.row(r)) < norms0![r] * Math.SQRT1_2) again = true;
    }
    if (again) {
      const C2 = new Matrix(X.rows, m);
      backend.gemm(false, true, 1, X, Q, 0, C2);
      backend.gemm(false, false, -1, C2, Q, 1, X);
      for (let i = 0; i < C.data.length; i++) C.data[i] += C2.data[i];
    }
    return C;
  };

  /**
   * Orthonormalize the rows of X (b × n, already orthogonal to Qt[0, m)) into Qt[m, m + b), one row at
   * a time by classical Gram–Schmidt twice against the rows already done: X = R·Q_new with R lower
   * triangular (rows of X are the columns of W), R[c][i] = ⟨w_c, q_i⟩. A row that has numerically
   * vanished (an invariant subspace: breakdown) is replaced by a random unit vector orthogonal to
   * everything, with R[c][c] = 0.
   */
  const orthonormalizeBlock = (X: Matrix, m: number, scale: number): Matrix => {
    const R = new Matrix(b, b);
    for (let c = 0; c < b; c++) {
      const w = X.row(c);
      const before = vectorNorm(w);
      if (c > 0) {
        // Against the block's earlier vectors, twice (classical Gram–Schmidt with BLAS-2).
        const P = Qt.rowBlock(m, m + c);
        const r = new Float64Array(c);
        for (let pass = 0; pass < 2; pass++) {
          backend.gemv(false, 1, P, w, 0, r);
          backend.gemv(true, -1, P, r, 1, w);
          for (let i = 0; i < c; i++) R.data[c * b + i] += r[i];
        }
      }
      let nrm = vectorNorm(w);
      if (nrm < before * Math.SQRT1_2 && nrm > 0) {
        // Cancellation (the DGKS criterion): the rounding errors of the block step, relative to the
        // small remainder, may have brought back components along the basis; remove them.
        const one = new Matrix(1, n, w);
        orthogonalizeAgainstBasis(one, m + c, true);
        nrm = vectorNorm(w);
      }
      if (nrm <= 64 * EPS * Math.max(scale, before)) {
        // Breakdown (the Krylov space is invariant): continue with a fresh random direction.
        const z = new Matrix(1, n, normal(foldIn(key, draws++), n));
        orthogonalizeAgainstBasis(z, m + c, true);
        orthogonalizeAgainstBasis(z, m + c, true);
        w.set(z.data);
        nrm = vectorNorm(w);
        R.data[c * b + c] = 0;
      } else R.data[c * b + c] = nrm;
      for (let i = 0; i < n; i++) w[i] /= nrm;
      Qt.row(m + c).set(w);
    }
    return R;
  };

  // Start: a random orthonormal block (seeded).
  const start = new Matrix(b, n, normal(foldIn(key, draws++), b * n));
  orthonormalizeBlock(start, 0, 1);
  let s = 0; // first row of the current block
  const onProgress = opts.onProgress;

  /** Rayleigh–Ritz on the basis Qt[0, s), with the residual estimates of eq. (1). */
  const rayleighRitz = () => {
    // The residual block of eq. (1) is the not yet applied block Qt[s, s + b), coupled to the basis
    // through the rows H[s .. s + b)[0 .. s).
    const mb = s;
    const Hm = new Matrix(mb, mb);
    for (let i = 0; i < mb; i++) {
      for (let j = 0; j <= i; j++) {
        const v = H.data[i * cap + j];
        Hm.data[i * mb + j] = v;
        Hm.data[j * mb + i] = v;
      }
    }
    const { values: theta, vectors } = backend.syev(Hm, true);
    const S = vectors!;
    anorm = Math.max(anorm, Math.abs(theta[0]), Math.abs(theta[mb - 1]));
    // Index into theta (ascending) of the j-th most wanted Ritz value.
    const wanted = (j: number): number => (largest ? mb - 1 - j : j);
    let nconv = 0;
    let maxRel = 0;
    for (let j = 0; j < k; j++) {
      const idx = wanted(j);
      let t = 0; // ‖E·s_idx‖², E = H[s .. s + b)[0 .. s)
      for (let r = 0; r < b; r++) {
        let acc = 0;
        const row = (s + r) * cap;
        for (let i = 0; i < mb; i++) acc += H.data[row + i] * S.data[i * mb + idx];
        t += acc * acc;
      }
      const rel = anorm > 0 ? Math.sqrt(t) / anorm : Math.sqrt(t); // A = 0: exact (zero) residuals
      maxRel = Math.max(maxRel, rel);
      if (rel <= tol) nconv++;
    }
    /** The p most wanted Ritz vectors' coefficients, as the rows of a p × mb matrix, and their values. */
    const select = (p: number): { Sp: Matrix; thetaP: Float64Array } => {
      const Sp = new Matrix(p, mb);
      const thetaP = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        const idx = wanted(j);
        thetaP[j] = theta[idx];
        for (let i = 0; i < mb; i++) Sp.data[j * mb + i] = S.data[i * mb + idx];
      }
      return { Sp, thetaP };
    };
    return { mb, nconv, maxRel, select };
  };

  /** The result from the k most wanted Ritz pairs: Yᵀ = S_kᵀ·Qᵀ and (A·Y)ᵀ = S_kᵀ·(A·Q)ᵀ. */
  const finishRitz = (rr: ReturnType<typeof rayleighRitz>): LanczosResult => {
    const { Sp: Sk, thetaP: values } = rr.select(k);
    const Yt = new Matrix(k, n);
    backend.gemm(false, false, 1, Sk, Qt.rowBlock(0, rr.mb), 0, Yt);
    const AYt = new Matrix(k, n);
    backend.gemm(false, false, 1, Sk, AQt.rowBlock(0, rr.mb), 0, AYt);
    return finish(values, Yt, AYt, iterations, matvecs, restarts, anorm);
  };

  // Convergence is tested after every block step when a step costs much more than the m × m
  // eigenproblem (an explicit matrix: 2n²b flops; otherwise when the orthogonalization, ~4n·m·b
  // flops, exceeds ~m³), else once per restart cycle.
  const checkEveryStep = op instanceof Matrix || n * b >= mMax * mMax;

  for (;;) {
    // Expand: block steps until the basis is full.
    while (s + 2 * b <= mMax && (iterations < maxIterations || s < k)) {
      const cur = Qt.rowBlock(s, s + b);
      apply(cur, Wt);
      AQt.data.set(Wt.data, s * n);
      iterations++;
      matvecs += b;
      const C = orthogonalizeAgainstBasis(Wt, s + b, reorth === 'full');
      // Diagonal block of H: C[r][s + c] = ⟨A q_{s+r}, q_{s+c}⟩ (symmetrized).
      for (let r = 0; r < b; r++) {
        for (let c = 0; c < b; c++) {
          H.data[(s + r) * cap + s + c] = 0.5 * (C.data[r * (s + b) + s + c] + C.data[c * (s + b) + s + r]);
        }
      }
      let wmax = 0;
      for (let r = 0; r < b; r++) wmax = Math.max(wmax, Math.abs(H.data[(s + r) * cap + s + r]));
      anorm = Math.max(anorm, wmax);
      const R = orthonormalizeBlock(Wt, s + b, anorm);
      // Sub-diagonal block: H[s + b + i][s + c] = ⟨A q_{s+c}, q_{s+b+i}⟩ = R[c][i].
      for (let i = 0; i < b; i++) {
        for (let c = 0; c < b; c++) H.data[(s + b + i) * cap + s + c] = R.data[c * b + i];
      }
      s += b;
      if (checkEveryStep && s >= k && s + 2 * b <= mMax) {
        const rr = rayleighRitz();
        if (rr.nconv === k) return finishRitz(rr);
      }
    }
    const rr = rayleighRitz();
    if (rr.nconv === k || restarts >= maxRestarts || iterations >= maxIterations) return finishRitz(rr);
    onProgress?.({ restarts, iterations, matvecs, converged: rr.nconv, maxRelativeResidual: rr.maxRel });

    // Thick restart: keep the p most wanted Ritz vectors Y = Q·S_p, then the residual block.
    const mb = rr.mb;
    const p = Math.min(mb, k + Math.floor((mMax - 2 * b - k) / 2));
    const { Sp, thetaP } = rr.select(p);
    const Y = new Matrix(p, n);
    backend.gemm(false, false, 1, Sp, Qt.rowBlock(0, mb), 0, Y);
    const AY = new Matrix(p, n);
    backend.gemm(false, false, 1, Sp, AQt.rowBlock(0, mb), 0, AY);
    AQt.data.set(AY.data, 0);
    // Coupling of the residual block to the kept vectors: E·s_j with E = H[s .. s + b)[0 .. mb).
    const coupling = new Matrix(b, p);
    for (let r = 0; r < b; r++) {
      const row = (s + r) * cap;
      for (let j = 0; j < p; j++) {
        let acc = 0;
        for (let i = 0; i < mb; i++) acc += H.data[row + i] * Sp.data[j * mb + i];
        coupling.data[r * p + j] = acc;
      }
    }
    // New basis: [Y; residual block]; H = [diag(θ_p) ·; coupling ·] (eq. 1 after a thick restart).
    Qt.data.copyWithin(p * n, s * n, (s + b) * n);
    Qt.data.set(Y.data, 0);
    H.data.fill(0);
    for (let j = 0; j < p; j++) H.data[j * cap + j] = thetaP[j];
    for (let r = 0; r < b; r++)
      for (let j = 0; j < p; j++) H.data[(p + r) * cap + j] = coupling.data[r * p + j];
    s = p;
    restarts++;
  }
}
