import { Matrix } from '../linalg/matrix.js';
import { gemmInto, syrkInto } from '../linalg/unchecked.js';
import { rowsView, type Features, type LeafFeatures } from './features.js';
import type { OuterProductRule } from './outerProductRule.js';

/**
 * How each parameterized leaf contributes to a kernel block Θ(x1[I], x2[J]) = Σ_l J_l(I)·J_l(J)ᵀ:
 *  - 'structured': Hadamard product of Gram matrices (outerProductRule.ts), cost 2·|I|·|J|·(n_in + O·n_out);
 *  - 'jacobian':   the leaf's per-example Jacobian rows J_l (|I| × P_l) from its perExampleGrads rule,
 *                  contracted by GEMM, cost 2·|I|·|J|·O·P_l (or O²·P_l untraced).
 */
export interface LeafPlan {
  readonly kind: 'structured' | 'jacobian';
  readonly rule: OuterProductRule | null;
  readonly f1: LeafFeatures;
  readonly f2: LeafFeatures;
}

export interface BlockPlan {
  readonly leaves: readonly LeafPlan[];
  readonly outputs: number;
  /** true: Θ = (1/O)·Σ_o J_o J_oᵀ (N1×N2); false: the full (N1·O)×(N2·O) kernel, rows ordered (n, o). */
  readonly trace: boolean;
}

export function makePlan(
  f1: Features,
  f2: Features,
  rules: readonly (OuterProductRule | null)[],
  structured: boolean,
  trace: boolean,
): BlockPlan {
  return {
    outputs: f1.outputs,
    trace,
    leaves: f1.leaves.map((a, i) => {
      const rule = rules[i];
      const fits = rule !== null && a.inSize === rule.nIn && a.outSize === rule.nOut;
      return {
        kind: structured && fits ? 'structured' : 'jacobian',
        rule: fits ? rule : null,
        f1: a,
        f2: f2.leaves[i],
      };
    }),
  };
}

/** Per-example Jacobian rows of one leaf for examples [r0, r1) and output o: (r1−r0) × P_l. */
export function jacobianRows(f: LeafFeatures, o: number, r0: number, r1: number): Matrix {
  const t = r1 - r0;
  const J = new Matrix(t, f.leaf.count);
  f.leaf.layer.perExampleGrads!(
    f.leaf.params,
    { shape: [t, ...f.inShape], data: f.x.subarray(r0 * f.inSize, r1 * f.inSize) },
    { shape: [t, ...f.outShape], data: f.gy[o].subarray(r0 * f.outSize, r1 * f.outSize) },
    J.data,
  );
  return J;
}

/**
 * blk ← Θ(x1[i0:i1], x2[j0:j1]) (overwritten). blk is (ti·Ob)×(tj·Ob) with Ob = 1 traced, O full.
 */
export function computeBlock(
  plan: BlockPlan,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  blk: Matrix,
): void {
  const O = plan.outputs;
  const ti = i1 - i0;
  const tj = j1 - j0;
  const Ob = plan.trace ? 1 : O;
  if (blk.rows !== ti * Ob || blk.cols !== tj * Ob) {
    throw new Error(`computeBlock: block is ${blk.rows}×${blk.cols}, expected ${ti * Ob}×${tj * Ob}`);
  }
  blk.data.fill(0);
  const b = blk.data;
  // A diagonal block of a symmetric kernel: Gram products by SYRK (half the work, exactly symmetric).
  const same = (lp: LeafPlan): boolean => lp.f1 === lp.f2 && i0 === j0 && i1 === j1;
  const gram = (alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix, diag: boolean): void => {
    if (diag) syrkInto(false, alpha, A, beta, C);
    else gemmInto(false, true, alpha, A, B, beta, C);
  };
  const S = new Matrix(ti, tj);
  const G = new Matrix(ti, tj);
  for (const lp of plan.leaves) {
    const { f1, f2 } = lp;
    if (lp.kind === 'structured') {
      const { cW, cb } = lp.rule!;
      const cW2 = cW * cW;
      const cb2 = cb * cb;
      // S = c_W²·X_I X_Jᵀ + c_b² (the input Gram, with the bias term folded in).
      S.data.fill(cb2);
      gram(cW2, rowsView(f1.x, f1.inSize, i0, i1), rowsView(f2.x, f2.inSize, j0, j1), 1, S, same(lp));
      const s = S.data;
      const g = G.data;
      for (let o = 0; o < O; o++) {
        const GI = rowsView(f1.gy[o], f1.outSize, i0, i1);
        if (plan.trace) {
          gram(1, GI, rowsView(f2.gy[o], f2.outSize, j0, j1), 0, G, same(lp));
          const w = 1 / O;
          for (let k = 0; k < s.length; k++) b[k] += w * s[k] * g[k];
          continue;
        }
        for (let o2 = 0; o2 < O; o2++) {
          gram(1, GI, rowsView(f2.gy[o2], f2.outSize, j0, j1), 0, G, same(lp) && o === o2);
          for (let n = 0; n < ti; n++) {
            const row = (n * O + o) * tj * O;
            for (let m = 0; m < tj; m++) b[row + m * O + o2] += s[n * tj + m] * g[n * tj + m];
          }
        }
      }
      continue;
    }
    // Jacobian contraction of this leaf.
    if (plan.trace) {
      for (let o = 0; o < O; o++) {
        const JI = jacobianRows(f1, o, i0, i1);
        const JJ = same(lp) ? JI : jacobianRows(f2, o, j0, j1);
        gram(1 / O, JI, JJ, 1, blk, same(lp));
      }
      continue;
    }
    const JIs = Array.from({ length: O }, (_, o) => jacobianRows(f1, o, i0, i1));
    const JJs = same(lp) ? JIs : Array.from({ length: O }, (_, o) => jacobianRows(f2, o, j0, j1));
    const g = G.data;
    for (let o = 0; o < O; o++) {
      for (let o2 = 0; o2 < O; o2++) {
        gram(1, JIs[o], JJs[o2], 0, G, same(lp) && o === o2);
        for (let n = 0; n < ti; n++) {
          const row = (n * O + o) * tj * O;
          for (let m = 0; m < tj; m++) b[row + m * O + o2] += g[n * tj + m];
        }
      }
    }
  }
}
