/**
 * The training-step loops of Relu, whose slope can be read off its output: φ'(z) = 1[z > 0] = 1[φ(z) > 0]
 * (0 at the kink and for NaN, as the layer's own φ'). A training step then keeps only a = φ(z), computed in
 * place over z, instead of a and a separate φ'(z): one pass over M × width numbers less per layer forward.
 * The other rectifiers (LeakyRelu, ABRelu) keep φ'(z): a general slope pos·b + (1 − pos)·a costs a third
 * more time per entry, and these loops are the step's entry-wise cost.
 */
export interface SlopeFromOutput {
  /**
   * z ← φ(z + β_j) in place over rows r0 ≤ r < r1 of a block of `width` columns (row-major), with β_j = c_b·b_j
   * the Dense bias (bias null: none): the pre-activation c_W·x·W (by GEMM) plus its bias, then φ, in one pass.
   */
  activateBiased(z: Float64Array, r0: number, r1: number, width: number, bias: Float64Array | null): void;
  /**
   * gz = gy·φ'(z) entry-wise over rows r0 ≤ r < r1, with φ'(z) read from a = φ(z) (gz may be gy itself); with
   * gb, also gb_j += c_b·Σ_r gz_rj over those rows, in order (the Dense bias gradient), in the same pass.
   */
  backward(
    gy: Float64Array,
    a: Float64Array,
    gz: Float64Array,
    r0: number,
    r1: number,
    width: number,
    cb: number,
    gb: Float64Array | null,
  ): void;
}

/**
 * The loops for φ(z) = b·z (z > 0), a·z (z ≤ 0) when that is Relu (a = 0, b = 1), else null. Each entry is
 * Number(z > 0)·z and gy·Number(φ(z) > 0): the numbers of the layer's k·z and gy·k with k = pos·1 + (1 − pos)·0.
 */
export function slopeFromOutput(a: number, b: number): SlopeFromOutput | null {
  return a === 0 && b === 1 ? reluLoops : null;
}

const reluLoops: SlopeFromOutput = {
  activateBiased(z, r0, r1, width, bias) {
    const n = r1 * width;
    if (bias === null) {
      for (let i = r0 * width; i < n; i++) {
        const v = z[i];
        z[i] = Number(v > 0) * v;
      }
      return;
    }
    // j walks the row and wraps, so one flat loop covers the rows
    let j = 0;
    for (let i = r0 * width; i < n; i++) {
      const v = z[i] + bias[j];
      if (++j === width) j = 0;
      z[i] = Number(v > 0) * v;
    }
  },
  backward(gy, a, gz, r0, r1, width, cb, gb) {
    if (gb === null) {
      for (let i = r0 * width; i < r1 * width; i++) gz[i] = gy[i] * Number(a[i] > 0);
      return;
    }
    // c_b as a double (an integer-valued one would be small-integer typed, and the JIT's integer multiply
    // with −0 checks slows the loop); four rows share each load and store of gb_j, summed in row order
    const c = Float64Array.of(cb)[0];
    let r = r0;
    for (; r + 4 <= r1; r += 4) {
      const o0 = r * width;
      const o1 = o0 + width;
      const o2 = o1 + width;
      const o3 = o2 + width;
      for (let j = 0; j < width; j++) {
        const v0 = gy[o0 + j] * Number(a[o0 + j] > 0);
        const v1 = gy[o1 + j] * Number(a[o1 + j] > 0);
        const v2 = gy[o2 + j] * Number(a[o2 + j] > 0);
        const v3 = gy[o3 + j] * Number(a[o3 + j] > 0);
        gz[o0 + j] = v0;
        gz[o1 + j] = v1;
        gz[o2 + j] = v2;
        gz[o3 + j] = v3;
        gb[j] = gb[j] + c * v0 + c * v1 + c * v2 + c * v3;
      }
    }
    for (; r < r1; r++) {
      const o = r * width;
      for (let j = 0; j < width; j++) {
        const v = gy[o + j] * Number(a[o + j] > 0);
        gz[o + j] = v;
        gb[j] += c * v;
      }
    }
  },
};
