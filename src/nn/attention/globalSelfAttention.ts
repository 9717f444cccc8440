import { NtkInputError } from '../../errors.js';
import { normal } from '../../random/normal.js';
import { split } from '../../random/keys.js';
import type { Key } from '../../random/key.js';
import { single, singleShape } from '../tensor.js';
import type { BackwardTap, Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';
import { attentionKernel } from './attentionKernel.js';
import { gemm, softmaxRows } from './gemm.js';
import { resolveAttention, type GlobalSelfAttentionOptions } from './options.js';

/**
 * Global self-attention over the positions of (N, ...S, C) inputs (neural-tangents `stax.GlobalSelfAttention`
 * with linear_scaling; Hron, Bahri, Sohl-Dickstein & Novak 2020, eqs. 4–6 with the 1/d_key scaling of §3),
 * positions flattened to P = Π S. Per example x (P × C), with x̃ = x + W_pos_emb_std·E for 'SUM' positional
 * embeddings E ~ N(0, 1) (P × C, a trainable parameter; x̃ = x otherwise), and for each head h:
 *   K_h = x̃·W_K[h]                                    (P × n_chan_key; queries = keys: tied weights),
 *   G_h = softmax_rows( (W_query_std·W_key_std / (C·n_chan_key))·K_h·K_hᵀ )      (P × P),
 *   V_h = x·W_V[h]                                     (P × n_chan_val),
 *   y   = (W_out_std·W_value_std / √(n_chan_val·n_heads·C))·[G_1V_1, …, G_HV_H]·W_out + b_std·b,
 * all weights raw N(0, 1) draws (the NTK parameterization, the only one neural-tangents offers for this layer).
 */
export function GlobalSelfAttention(opts: GlobalSelfAttentionOptions): Layer {
  const o = resolveAttention(opts);
  const { n_chan_out: O, n_chan_key: dk, n_chan_val: dv, n_heads: H } = o;
  const qk = o.W_query_std * o.W_key_std;
  const ov = o.W_out_std * o.W_value_std;
  const sum = o.pos_emb_type === 'SUM';
  const config = { type: 'GlobalSelfAttention', ...o };

  const dims = (shape: readonly number[], where: string): { P: number; C: number } => {
    if (shape.length < 2 || shape.some((s) => !Number.isInteger(s) || s < 1))
      throw new NtkInputError(
        `GlobalSelfAttention.${where}: needs an input feature shape [...S, C] with at least one spatial axis ` +
          `(inputs (N, L, C)), got [${shape.join(', ')}]`,
      );
    return { P: shape.slice(0, -1).reduce((a, b) => a * b, 1), C: shape[shape.length - 1] };
  };
  const get = (params: Params, name: string, shape: number[]): Tensor => {
    const t = (params as { [k: string]: Tensor | undefined })[name];
    const n = shape.reduce((a, b) => a * b, 1);
    if (!t || t.data.length !== n)
      throw new NtkInputError(
        `GlobalSelfAttention: params.${name} must have shape [${shape.join(', ')}], got ${t ? `[${t.shape.join(', ')}]` : 'none'}`,
      );
    return t;
  };
  const weights = (params: Params, P: number, C: number) => ({
    K: get(params, 'W_key', [H, C, dk]).data,
    V: get(params, 'W_value', [H, C, dv]).data,
    W: get(params, 'W_out', [H * dv, O]).data,
    b: get(params, 'b', [O]).data,
    E: sum ? get(params, 'pos_emb', [P, C]).data : null,
  });

  interface Example {
    xt: Float64Array; // x̃ (P × C)
    K: Float64Array; // H × P × dk
    G: Float64Array; // H × P × P
    V: Float64Array; // H × P × dv
    heads: Float64Array; // P × H·dv
  }
  interface AttnCache {
    x: Tensor;
    P: number;
    C: number;
    ex: Example[];
  }
  const alpha = (C: number): number => qk / (C * dk);
  const co = (C: number): number => ov / Math.sqrt(dv * H * C);

  function forwardExample(w: ReturnType<typeof weights>, xn: Float64Array, P: number, C: number): Example {
    const xt = xn.slice();
    if (w.E !== null) for (let i = 0; i < xt.length; i++) xt[i] += o.W_pos_emb_std * w.E[i];
    const K = new Float64Array(H * P * dk);
    const G = new Float64Array(H * P * P);
    const V = new Float64Array(H * P * dv);
    const heads = new Float64Array(P * H * dv);
    for (let h = 0; h < H; h++) {
      const Kh = K.subarray(h * P * dk, (h + 1) * P * dk);
      const Gh = G.subarray(h * P * P, (h + 1) * P * P);
      const Vh = V.subarray(h * P * dv, (h + 1) * P * dv);
      gemm(false, false, P, dk, C, 1, xt, w.K.subarray(h * C * dk, (h + 1) * C * dk), 0, Kh);
      gemm(false, true, P, P, dk, alpha(C), Kh, Kh, 0, Gh);
      softmaxRows(Gh, P, P);
      gemm(false, false, P, dv, C, 1, xn, w.V.subarray(h * C * dv, (h + 1) * C * dv), 0, Vh);
      const GV = new Float64Array(P * dv);
      gemm(false, false, P, dv, P, 1, Gh, Vh, 0, GV);
      for (let p = 0; p < P; p++)
        for (let j = 0; j < dv; j++) heads[p * H * dv + h * dv + j] = GV[p * dv + j];
    }
    return { xt, K, G, V, heads };
  }

  /** ∂⟨gy_n, y_n⟩ for one example: writes the parameter gradients (added) and returns gx_n. */
  function backwardExample(
    w: ReturnType<typeof weights>,
    xn: Float64Array,
    e: Example,
    gyn: Float64Array,
    P: number,
    C: number,
    g: { K: Float64Array; V: Float64Array; W: Float64Array; b: Float64Array; E: Float64Array | null },
  ): Float64Array {
    const c = co(C);
    const a = alpha(C);
    const HD = H * dv;
    gemm(true, false, HD, O, P, c, e.heads, gyn, 1, g.W); // gW += c·headsᵀ·gy
    for (let p = 0; p < P; p++) for (let j = 0; j < O; j++) g.b[j] += o.b_std * gyn[p * O + j];
    const gHeads = new Float64Array(P * HD);
    gemm(false, true, P, HD, O, c, gyn, w.W, 0, gHeads); // gheads = c·gy·Wᵀ
    const gx = new Float64Array(P * C);
    const gxt = new Float64Array(P * C);
    const gHh = new Float64Array(P * dv);
    const gG = new Float64Array(P * P);
    const gVh = new Float64Array(P * dv);
    const gS = new Float64Array(P * P);
    const gK = new Float64Array(P * dk);
    for (let h = 0; h < H; h++) {
      const Kh = e.K.subarray(h * P * dk, (h + 1) * P * dk);
      const Gh = e.G.subarray(h * P * P, (h + 1) * P * P);
      const Vh = e.V.subarray(h * P * dv, (h + 1) * P * dv);
      for (let p = 0; p < P; p++) for (let j = 0; j < dv; j++) gHh[p * dv + j] = gHeads[p * HD + h * dv + j];
      gemm(false, true, P, P, dv, 1, gHh, Vh, 0, gG); // head = G·V: gG = gH·Vᵀ
      gemm(true, false, P, dv, P, 1, Gh, gHh, 0, gVh); //             gV = Gᵀ·gH
      const WVh = w.V.subarray(h * C * dv, (h + 1) * C * dv);
      gemm(true, false, C, dv, P, 1, xn, gVh, 1, g.V.subarray(h * C * dv, (h + 1) * C * dv));
      gemm(false, true, P, C, dv, 1, gVh, WVh, 1, gx);
      // softmax rows: gS = G ⊙ (gG − rowsum(gG ⊙ G))
      for (let p = 0; p < P; p++) {
        let s = 0;
        for (let q = 0; q < P; q++) s += gG[p * P + q] * Gh[p * P + q];
        for (let q = 0; q < P; q++) gS[p * P + q] = Gh[p * P + q] * (gG[p * P + q] - s);
      }
      // S = a·K·Kᵀ: gK = a·(gS + gSᵀ)·K
      for (let p = 0; p < P; p++)
        for (let q = p; q < P; q++) {
          const v = gS[p * P + q] + gS[q * P + p];
          gS[p * P + q] = v;
          gS[q * P + p] = v;
        }
      gemm(false, false, P, dk, P, a, gS, Kh, 0, gK);
      const WKh = w.K.subarray(h * C * dk, (h + 1) * C * dk);
      gemm(true, false, C, dk, P, 1, e.xt, gK, 1, g.K.subarray(h * C * dk, (h + 1) * C * dk));
      gemm(false, true, P, C, dk, 1, gK, WKh, 1, gxt);
    }
    for (let i = 0; i < gx.length; i++) gx[i] += gxt[i];
    if (g.E !== null) for (let i = 0; i < gxt.length; i++) g.E[i] += o.W_pos_emb_std * gxt[i];
    return gx;
  }

  const emptyGrads = (P: number, C: number) => ({
    K: new Float64Array(H * C * dk),
    V: new Float64Array(H * C * dv),
    W: new Float64Array(H * dv * O),
    b: new Float64Array(O),
    E: sum ? new Float64Array(P * C) : null,
  });
  const asParams = (g: ReturnType<typeof emptyGrads>, P: number, C: number): Params => {
    const r: { [k: string]: Tensor } = {
      W_key: { shape: [H, C, dk], data: g.K },
      W_value: { shape: [H, C, dv], data: g.V },
      W_out: { shape: [H * dv, O], data: g.W },
      b: { shape: [O], data: g.b },
    };
    if (g.E !== null) r.pos_emb = { shape: [P, C], data: g.E };
    return r;
  };

  const layer: Layer = {
    type: 'GlobalSelfAttention',
    config,
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      const s = singleShape(inShape, 'GlobalSelfAttention');
      dims(s, 'outShape');
      return [...s.slice(0, -1), O];
    },
    init(key: Key, inShape: Flow<readonly number[]>): Params {
      const { P, C } = dims(singleShape(inShape, 'GlobalSelfAttention'), 'init');
      const [kK, kV, kW, kb, kE] = split(key, 5);
      const r: { [k: string]: Tensor } = {
        W_key: { shape: [H, C, dk], data: normal(kK, H * C * dk) },
        W_value: { shape: [H, C, dv], data: normal(kV, H * C * dv) },
        W_out: { shape: [H * dv, O], data: normal(kW, H * dv * O) },
        b: { shape: [O], data: normal(kb, O) },
      };
      if (sum) r.pos_emb = { shape: [P, C], data: normal(kE, P * C) };
      return r;
    },
    forward(params: Params, xf: Flow<Tensor>) {
      const x = single(xf, 'GlobalSelfAttention');
      const { P, C } = dims(x.shape.slice(1), 'forward');
      const w = weights(params, P, C);
      const N = x.shape[0];
      const c = co(C);
      const y = new Float64Array(N * P * O);
      const ex: Example[] = [];
      for (let n = 0; n < N; n++) {
        const e = forwardExample(w, x.data.subarray(n * P * C, (n + 1) * P * C), P, C);
        ex.push(e);
        const yn = y.subarray(n * P * O, (n + 1) * P * O);
        for (let p = 0; p < P; p++) for (let j = 0; j < O; j++) yn[p * O + j] = o.b_std * w.b[j];
        gemm(false, false, P, O, H * dv, c, e.heads, w.W, 1, yn);
      }
      const cache: AttnCache = { x, P, C, ex };
      return { y: { shape: [...x.shape.slice(0, -1), O], data: y }, cache };
    },
    backward(params: Params, cache: Cache, gyf: Flow<Tensor>, tap?: BackwardTap) {
      const { x, P, C, ex } = cache as AttnCache;
      const gy = single(gyf, 'GlobalSelfAttention.backward');
      const N = x.shape[0];
      if (gy.data.length !== N * P * O)
        throw new NtkInputError(
          `GlobalSelfAttention.backward: cotangent has ${gy.data.length} entries, expected ${N * P * O}`,
        );
      const w = weights(params, P, C);
      const g = emptyGrads(P, C);
      const gx = new Float64Array(x.data.length);
      for (let n = 0; n < N; n++)
        gx.set(
          backwardExample(
            w,
            x.data.subarray(n * P * C, (n + 1) * P * C),
            ex[n],
            gy.data.subarray(n * P * O, (n + 1) * P * O),
            P,
            C,
            g,
          ),
          n * P * C,
        );
      tap?.(layer, params, x, gy);
      return { gx: { shape: [...x.shape], data: gx }, gparams: asParams(g, P, C) };
    },
    jvp(params: Params, cache: Cache, txf: Flow<Tensor> | null, tparams: Params | null): Tensor {
      const { x, P, C, ex } = cache as AttnCache;
      const N = x.shape[0];
      const w = weights(params, P, C);
      const t = tparams === null ? null : weights(tparams, P, C);
      const tx = txf === null ? null : single(txf, 'GlobalSelfAttention.jvp');
      const a = alpha(C);
      const c = co(C);
      const HD = H * dv;
      const ty = new Float64Array(N * P * O);
      const txt = new Float64Array(P * C);
      const tK = new Float64Array(P * dk);
      const tS = new Float64Array(P * P);
      const tV = new Float64Array(P * dv);
      const tHv = new Float64Array(P * dv);
      for (let n = 0; n < N; n++) {
        const e = ex[n];
        const xn = x.data.subarray(n * P * C, (n + 1) * P * C);
        const txn = tx === null ? null : tx.data.subarray(n * P * C, (n + 1) * P * C);
        // x̃' = x' + W_pos_emb_std·E'
        txt.fill(0);
        if (txn !== null) txt.set(txn);
        if (t !== null && t.E !== null)
          for (let i = 0; i < txt.length; i++) txt[i] += o.W_pos_emb_std * t.E[i];
        const tHeads = new Float64Array(P * HD);
        for (let h = 0; h < H; h++) {
          const Kh = e.K.subarray(h * P * dk, (h + 1) * P * dk);
          const Gh = e.G.subarray(h * P * P, (h + 1) * P * P);
          const Vh = e.V.subarray(h * P * dv, (h + 1) * P * dv);
          // K' = x̃'·W_K + x̃·W_K'
          gemm(false, false, P, dk, C, 1, txt, w.K.subarray(h * C * dk, (h + 1) * C * dk), 0, tK);
          if (t !== null)
            gemm(false, false, P, dk, C, 1, e.xt, t.K.subarray(h * C * dk, (h + 1) * C * dk), 1, tK);
          // S' = a·(K'·Kᵀ + K·K'ᵀ); G' = G ⊙ (S' − rowsum(G ⊙ S'))
          gemm(false, true, P, P, dk, a, tK, Kh, 0, tS);
          gemm(false, true, P, P, dk, a, Kh, tK, 1, tS);
          for (let p = 0; p < P; p++) {
            let s = 0;
            for (let q = 0; q < P; q++) s += Gh[p * P + q] * tS[p * P + q];
            for (let q = 0; q < P; q++) tS[p * P + q] = Gh[p * P + q] * (tS[p * P + q] - s);
          }
          // V' = x'·W_V + x·W_V'
          tV.fill(0);
          if (txn !== null)
            gemm(false, false, P, dv, C, 1, txn, w.V.subarray(h * C * dv, (h + 1) * C * dv), 0, tV);
          if (t !== null)
            gemm(false, false, P, dv, C, 1, xn, t.V.subarray(h * C * dv, (h + 1) * C * dv), 1, tV);
          // head' = G'·V + G·V'
          gemm(false, false, P, dv, P, 1, tS, Vh, 0, tHv);
          gemm(false, false, P, dv, P, 1, Gh, tV, 1, tHv);
          for (let p = 0; p < P; p++)
            for (let j = 0; j < dv; j++) tHeads[p * HD + h * dv + j] = tHv[p * dv + j];
        }
        const tyn = ty.subarray(n * P * O, (n + 1) * P * O);
        gemm(false, false, P, O, HD, c, tHeads, w.W, 0, tyn);
        if (t !== null) {
          gemm(false, false, P, O, HD, c, e.heads, t.W, 1, tyn);
          for (let p = 0; p < P; p++) for (let j = 0; j < O; j++) tyn[p * O + j] += o.b_std * t.b[j];
        }
      }
      return { shape: [...x.shape.slice(0, -1), O], data: ty };
    },
    perExampleGrads(params: Params, x: Tensor, gy: Tensor, out: Float64Array): void {
      const { P, C } = dims(x.shape.slice(1), 'perExampleGrads');
      const w = weights(params, P, C);
      const N = x.shape[0];
      const rowLen = H * C * (dk + dv) + H * dv * O + O + (sum ? P * C : 0);
      if (out.length !== N * rowLen)
        throw new NtkInputError(
          `GlobalSelfAttention.perExampleGrads: out has length ${out.length}, expected N·P_layer = ${N}·${rowLen}`,
        );
      for (let n = 0; n < N; n++) {
        const xn = x.data.subarray(n * P * C, (n + 1) * P * C);
        const g = emptyGrads(P, C);
        backwardExample(
          w,
          xn,
          forwardExample(w, xn, P, C),
          gy.data.subarray(n * P * O, (n + 1) * P * O),
          P,
          C,
          g,
        );
        let off = n * rowLen;
        for (const a of [g.K, g.V, g.W, g.b, ...(g.E === null ? [] : [g.E])]) {
          out.set(a, off);
          off += a.length;
        }
      }
    },
    kernel: (k: Flow<Kernel>): Kernel => attentionKernel(o, k),
  };
  return layer;
}
