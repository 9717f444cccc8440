import type { Matrix } from '../linalg/matrix.js';

/**
 * Training inputs that coincide for the kernel: i ≠ j with K[i,i] = K[j,j] = K[i,j], i.e. ‖φ(xᵢ) − φ(xⱼ)‖² =
 * K[i,i] + K[j,j] − 2K[i,j] = 0 in the kernel's feature space (to a round-off tolerance of 64ε·(K[i,i] +
 * K[j,j])). When such a pair has different targets no function of the kernel fits both: K is singular along
 * eᵢ − eⱼ and the t = ∞ limit can only fit their mean. Returns a warning naming the first pairs, or null.
 */
export function conflictingCoincidentInputs(fn: string, K: Matrix, y: Matrix): string | null {
  const n = K.rows;
  const o = y.cols;
  const d = K.data;
  const tol = 64 * Number.EPSILON;
  const pairs: string[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const kii = d[i * n + i];
    for (let j = i + 1; j < n; j++) {
      const kjj = d[j * n + j];
      const dist2 = kii + kjj - d[i * n + j] - d[j * n + i];
      if (!(dist2 <= tol * (Math.abs(kii) + Math.abs(kjj)))) continue;
      let differ = false;
      for (let c = 0; c < o; c++) if (y.data[i * o + c] !== y.data[j * o + c]) differ = true;
      if (!differ) continue;
      count++;
      if (pairs.length < 3)
        pairs.push(
          `${i} and ${j} (y = [${Array.from(y.data.subarray(i * o, (i + 1) * o)).join(', ')}] vs [${Array.from(y.data.subarray(j * o, (j + 1) * o)).join(', ')}])`,
        );
    }
  }
  if (count === 0) return null;
  return (
    `${fn}: ${count} pair${count > 1 ? 's' : ''} of training inputs coincide for the kernel (K[i,i] = K[j,j] = K[i,j]) ` +
    `but have different targets: ${pairs.join('; ')}${count > pairs.length ? '; …' : ''}. No function of this kernel fits both; ` +
    'at t = ∞ the fit of such a pair is at best its mean (remove duplicates or reconcile their targets)'
  );
}
