import type { Matrix } from '../linalg/matrix.js';
import { meanDiagonal } from './dense.js';

/**
 * Diagonal regularization and conditioning diagnostics for kernel solves (docs/conventions.md §3: NTK matrices
 * are badly conditioned; users want diagonal regularization and clear warnings).
 */

/** Condition numbers above this trigger a warning: a solve then loses more than ~10 of float64's 16 digits. */
export const ILL_CONDITIONED = 1e10;
/** The condition number the suggested regularization brings the kernel to. */
export const TARGET_CONDITION = 1e8;

/**
 * The absolute diagonal regularization ε added to K (K + ε·I). As neural-tangents'
 * `_add_diagonal_regularizer`: `diagReg` is relative to the mean diagonal trace(K)/N unless
 * `absolute` is set.
 */
export function absoluteDiagReg(K: Matrix, diagReg: number, absolute: boolean): number {
  return absolute ? diagReg : diagReg * meanDiagonal(K);
}

/**
 * A warning string when the eigenvalues (ascending) of the regularized kernel show a condition number
 * λ_max/λ_min above ILL_CONDITIONED (or λ_min ≤ 0), with the diagonal regularization that would bring it
 * to TARGET_CONDITION: (λ_max + ε)/(λ_min + ε) = κ* ⇔ ε = (λ_max − κ*·λ_min)/(κ* − 1). Null otherwise.
 */
export function conditioningWarning(
  name: string,
  values: ArrayLike<number>,
  meanDiag: number,
): string | null {
  const n = values.length;
  if (n === 0) return null;
  const lmin = values[0];
  const lmax = values[n - 1];
  if (lmax <= 0) {
    return `${name}: the kernel has no positive eigenvalue (λ_max = ${lmax.toExponential(3)}); predictions are meaningless`;
  }
  const kappa = lmin > 0 ? lmax / lmin : Infinity;
  if (kappa <= ILL_CONDITIONED) return null;
  const eps = (lmax - TARGET_CONDITION * lmin) / (TARGET_CONDITION - 1);
  const rel = meanDiag > 0 ? eps / meanDiag : NaN;
  const kText = Number.isFinite(kappa) ? kappa.toExponential(3) : `∞ (λ_min = ${lmin.toExponential(3)})`;
  return (
    `${name}: kernel is ill-conditioned, condition number κ = ${kText} (λ_max = ${lmax.toExponential(3)}); ` +
    `a diagonal regularization ε ≈ ${eps.toExponential(3)} absolute (diagReg ≈ ${rel.toExponential(3)} relative to ` +
    `the mean diagonal) would bring κ to ${TARGET_CONDITION.toExponential(0)}`
  );
}

const emitted = new Set<string>();

/**
 * Deliver a warning: to `sink` when given, otherwise once per distinct message to stderr (Node) or
 * console.warn (browser).
 */
export function emitWarning(msg: string, sink?: (msg: string) => void): void {
  if (sink) {
    sink(msg);
    return;
  }
  if (emitted.has(msg)) return;
  emitted.add(msg);
  const proc = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process;
  if (proc?.stderr) proc.stderr.write(`ntk-lab: warning: ${msg}\n`);
  else console.warn(`ntk-lab: warning: ${msg}`);
}
