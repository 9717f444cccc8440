/**
 * Identical inputs give bit-identical kernel entries (docs/conventions.md §4). Σ⁰ off the diagonal comes from the GEMM and
 * var⁰ = Σ⁰(x, x) from a separate sum, which round differently; for two equal inputs x = x' the correlation
 * ρ = Σ⁰/√(var⁰·var⁰) then falls one ulp short of 1, and arccos (steep at 1: arccos(1 − ε) ≈ √(2ε)) turns that
 * into a relative 1e-9 in a ReLU kernel. Writing var⁰ at every pair of equal inputs makes such a pair take the
 * same arithmetic as the diagonal in every later layer, so K[i, j] = K[i, i] to the last bit.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** A 32-bit hash of row r (d values) of x; 0 and −0 hash alike, as they compare equal. */
function rowHash(x: Float64Array, r: number, d: number): number {
  let h = 0x811c9dc5;
  for (let c = r * d, end = c + d; c < end; c++) {
    F64[0] = x[c] === 0 ? 0 : x[c];
    h = Math.imul(h ^ U32[0], 0x01000193);
    h = Math.imul(h ^ U32[1], 0x01000193);
  }
  return h;
}

function rowsEqual(a: Float64Array, i: number, b: Float64Array, j: number, d: number): boolean {
  for (let c = 0; c < d; c++) if (a[i * d + c] !== b[j * d + c]) return false;
  return true;
}

/**
 * Set Σ⁰[i, j] = var1[i] wherever row i of x1 equals row j of x2 (n1×n2 row-major `nngp`, d features); x2 = null
 * means x2 is x1 (both triangles and the diagonal are written). var1[i] must be the value the diagonal uses for
 * input i.
 */
export function pinIdenticalInputs(
  x1: Float64Array,
  n1: number,
  x2: Float64Array | null,
  n2: number,
  d: number,
  nngp: Float64Array,
  var1: Float64Array,
): void {
  const b = x2 ?? x1;
  const byHash = new Map<number, number[]>();
  for (let j = 0; j < n2; j++) {
    const h = rowHash(b, j, d);
    const list = byHash.get(h);
    if (list === undefined) byHash.set(h, [j]);
    else list.push(j);
  }
  for (let i = 0; i < n1; i++) {
    const candidates = byHash.get(rowHash(x1, i, d));
    if (candidates === undefined) continue;
    for (const j of candidates) {
      if (!rowsEqual(x1, i, b, j, d)) continue;
      nngp[i * n2 + j] = var1[i];
    }
  }
}
