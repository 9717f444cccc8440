import type { EntrywiseLayer } from './entrywise.js';
import { applyDual, applyDualTile, requireGaussian, type DualMap } from './kernelRecord.js';
import { single, singleShape } from './tensor.js';
import type { Cache, Flow, Kernel, LayerConfig, Params, Tensor } from './types.js';

/**
 * An elementwise nonlinearity y = φ(x) as a layer (neural-tangents `stax._elementwise`): forward φ,
 * backward gx = φ'(x)·gy, JVP tx·φ'(x), and the kernel map of its dual (Σ, Σ̇) — stated once in `dual`
 * and reused for the off-diagonal entries, the diagonal variances and the fused tile path.
 */
export interface ActivationSpec {
  readonly config: LayerConfig;
  /** φ */
  readonly fn: (x: number) => number;
  /** φ' (for non-smooth φ, the one-sided choice documented by the activation) */
  readonly dfn: (x: number) => number;
  readonly dual: DualMap;
}

export function activationLayer(spec: ActivationSpec): EntrywiseLayer {
  const { fn, dfn, dual, config } = spec;
  const type = config.type;
  const scratch = new Float64Array(2);
  const mapTensor = (x: Tensor, f: (v: number) => number): Float64Array => {
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
    return out;
  };
  return {
    type,
    config,
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      return [...singleShape(inShape, type)];
    },
    init(): Params {
      return {};
    },
    forward(_params: Params, x: Flow<Tensor>) {
      const t = single(x, type);
      return { y: { shape: [...t.shape], data: mapTensor(t, fn) }, cache: t };
    },
    backward(_params: Params, cache: Cache, gy: Flow<Tensor>) {
      const x = cache as Tensor;
      const g = single(gy, type);
      const gx = new Float64Array(x.data.length);
      for (let i = 0; i < gx.length; i++) gx[i] = g.data[i] * dfn(x.data[i]);
      return { gx: { shape: [...x.shape], data: gx }, gparams: {} };
    },
    jvp(_params: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const x = cache as Tensor;
      const ty = new Float64Array(x.data.length);
      if (tx !== null) {
        const t = single(tx, type);
        for (let i = 0; i < ty.length; i++) ty[i] = t.data[i] * dfn(x.data[i]);
      }
      return { shape: [...x.shape], data: ty };
    },
    kernel(k: Flow<Kernel>): Kernel {
      if (Array.isArray(k))
        throw new TypeError(
          `${type}: expected one kernel record, got a list of ${k.length} (add a FanIn layer before it)`,
        );
      return applyDual(k as Kernel, dual, type);
    },
    entrywise: {
      gaussianAfter(isGaussian: boolean): boolean {
        requireGaussian({ isGaussian } as Kernel, type);
        return false;
      },
      channelsAfter: (c) => c,
      variance(q: number): number {
        dual(q, q, q, scratch);
        return scratch[0];
      },
      tile(nngp, ntk, q1, q2, rows, cols): void {
        applyDualTile(dual, nngp, ntk, q1, q2, rows, cols, scratch);
      },
      perEntry: { kind: 'dual', dual },
    },
  };
}

/** Correlation ρ = s/√(q1·q2) clipped to [−1, 1] (rounding can push it past ±1); 0 when a variance is 0. */
export function correlation(s: number, q1: number, q2: number): number {
  const n = Math.sqrt(q1 * q2);
  if (n === 0) return 0;
  const c = s / n;
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** Throw unless v is a finite number; names the activation and the parameter. */
export function checkFinite(v: unknown, where: string, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RangeError(`${where}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}
