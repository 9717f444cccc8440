import { NtkInputError, NtkTypeError } from '../errors.js';
import { erf as erfFn } from '../special/erf.js';
import type { EntrywiseLayer, PerEntry } from './entrywise.js';
import { applyDual, applyDualTile, requireGaussian, type DualMap } from './kernelRecord.js';
import { single, singleShape } from './tensor.js';
import type { Cache, Flow, Kernel, Layer, LayerConfig, Params, Tensor } from './types.js';
import { rootProduct } from '../special/rootProduct.js';
import { slopeFromOutput, type SlopeFromOutput } from './slopeFromOutput.js';

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
  /**
   * Optional closed form of φ for the dedicated loops (forward, backward, JVP and the fused kernel
   * interpreter), which compute the same numbers as fn/dfn/dual without a call per element.
   */
  readonly closedForm?: ClosedForm;
}

/**
 * Closed forms with dedicated loops:
 *  - 'abrelu': φ(x) = b·x for x > 0, a·x otherwise; φ'(x) = b for x > 0, a otherwise (Relu: a = 0, b = 1);
 *  - 'erf':    φ(x) = a·erf(b·x) + c;  φ'(x) = a·b·(2/√π)·exp(−b²x²).
 */
export type ClosedForm =
  | { readonly kind: 'abrelu'; readonly a: number; readonly b: number }
  | { readonly kind: 'erf'; readonly a: number; readonly b: number; readonly c: number };

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The constants read back from a Float64Array: integer-valued ones (Relu's 0 and 1) would otherwise be
 * small-integer typed, and the JIT's integer multiply with overflow and −0 checks makes the loops ~3× slower.
 */
function asDoubles(...v: number[]): Float64Array {
  return Float64Array.from(v);
}

/** y[i] = φ(x[i]). */
function forwardLoop(spec: ActivationSpec, x: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  const cf = spec.closedForm;
  if (cf === undefined) {
    const fn = spec.fn;
    for (let i = 0; i < y.length; i++) y[i] = fn(x[i]);
  } else if (cf.kind === 'abrelu') {
    // slope k = b or a picked without a branch (the sign of x is unpredictable): k·x = φ(x) exactly for
    // finite x (up to the sign of a zero); a NaN input stays NaN, and a zero slope times ±∞ gives NaN
    const [a, b] = asDoubles(cf.a, cf.b);
    for (let i = 0; i < y.length; i++) {
      const v = x[i];
      const pos = Number(v > 0);
      y[i] = (pos * b + (1 - pos) * a) * v;
    }
  } else {
    const [a, b, c] = asDoubles(cf.a, cf.b, cf.c);
    for (let i = 0; i < y.length; i++) y[i] = a * erfFn(b * x[i]) + c;
  }
  return y;
}

/** out[i] = g[i]·φ'(x[i]) (backward: g = ∂L/∂y; JVP: g = the input tangent). */
function derivativeLoop(spec: ActivationSpec, x: Float64Array, g: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  const cf = spec.closedForm;
  if (cf === undefined) {
    const dfn = spec.dfn;
    for (let i = 0; i < out.length; i++) out[i] = g[i] * dfn(x[i]);
  } else if (cf.kind === 'abrelu') {
    const [a, b] = asDoubles(cf.a, cf.b);
    for (let i = 0; i < out.length; i++) {
      const pos = Number(x[i] > 0);
      out[i] = g[i] * (pos * b + (1 - pos) * a);
    }
  } else {
    const [a, b] = asDoubles(cf.a, cf.b);
    const scale = a * b * TWO_OVER_SQRT_PI;
    const b2 = b * b;
    for (let i = 0; i < out.length; i++) {
      const v = x[i];
      out[i] = g[i] * (scale * Math.exp(-b2 * v * v));
    }
  }
  return out;
}

/**
 * a[i] = φ(z[i]) and d[i] = φ'(z[i]) in one pass over z (d may be z itself): the forward of a training
 * step keeps d for its backward, gz = gy·d, which is then the same number as the layer's own VJP
 * gy·φ'(z) (and a the same as its forward), operation for operation.
 */
function activateLoop(
  spec: ActivationSpec,
  z: Float64Array,
  a: Float64Array,
  d: Float64Array,
  n: number,
): void {
  const cf = spec.closedForm;
  if (cf === undefined) {
    const { fn, dfn } = spec;
    for (let i = 0; i < n; i++) {
      const v = z[i];
      a[i] = fn(v);
      d[i] = dfn(v);
    }
  } else if (cf.kind === 'abrelu') {
    const [lo, hi] = asDoubles(cf.a, cf.b);
    for (let i = 0; i < n; i++) {
      const v = z[i];
      const pos = Number(v > 0);
      const k = pos * hi + (1 - pos) * lo;
      a[i] = k * v;
      d[i] = k;
    }
  } else {
    const [ca, cb, cc] = asDoubles(cf.a, cf.b, cf.c);
    const scale = ca * cb * TWO_OVER_SQRT_PI;
    const b2 = cb * cb;
    for (let i = 0; i < n; i++) {
      const v = z[i];
      a[i] = ca * erfFn(cb * v) + cc;
      d[i] = scale * Math.exp(-b2 * v * v);
    }
  }
}

function perEntryOf(spec: ActivationSpec): PerEntry {
  const cf = spec.closedForm;
  if (cf === undefined) return { kind: 'dual', dual: spec.dual };
  return cf.kind === 'abrelu'
    ? { kind: 'abrelu', a: cf.a, b: cf.b, dual: spec.dual }
    : { kind: 'erf', a: cf.a, b: cf.b, c: cf.c, dual: spec.dual };
}

/** An activation layer: an entrywise layer that also offers the fused forward pass of a training step. */
export interface ActivationLayer extends EntrywiseLayer {
  /**
   * a[i] = φ(z[i]), d[i] = φ'(z[i]) for i < n in one pass (d may be z): the numbers of `forward` and, with
   * gz = gy·d, of `backward` — for a training step that keeps d instead of z (src/train/fusedNetwork.ts).
   */
  activate(z: Float64Array, a: Float64Array, d: Float64Array, n: number): void;
  /**
   * The in-place loops of a training step that keeps only a = φ(z), present when φ'(z) can be read off φ(z)
   * (Relu; src/nn/slopeFromOutput.ts): the φ and φ' of `activate`, without d.
   */
  readonly slopeFromOutput?: SlopeFromOutput;
}

/** Whether a layer is an {@link ActivationLayer} (built by {@link activationLayer}). */
export function isActivationLayer(layer: Layer): layer is ActivationLayer {
  return typeof (layer as Partial<ActivationLayer>).activate === 'function' && 'entrywise' in layer;
}

/** An entrywise activation layer from φ, φ′ and its dual (Σ, q₁, q₂) ↦ (Σ', Σ̇): forward, VJP, JVP and the kernel map Σ' = E[φ(u)φ(v)], Θ' = Σ̇·Θ. */
export function activationLayer(spec: ActivationSpec): ActivationLayer {
  const { dual, config } = spec;
  const type = config.type;
  const scratch = new Float64Array(2);
  const cf = spec.closedForm;
  const fromOutput = cf?.kind === 'abrelu' ? slopeFromOutput(cf.a, cf.b) : null;
  return {
    ...(fromOutput === null ? {} : { slopeFromOutput: fromOutput }),
    type,
    config,
    children: [],
    outShape(inShape: Flow<readonly number[]>): number[] {
      return [...singleShape(inShape, type)];
    },
    init(): Params {
      return {};
    },
    activate(z: Float64Array, a: Float64Array, d: Float64Array, n: number): void {
      activateLoop(spec, z, a, d, n);
    },
    forward(_params: Params, x: Flow<Tensor>) {
      const t = single(x, type);
      return { y: { shape: [...t.shape], data: forwardLoop(spec, t.data) }, cache: t };
    },
    backward(_params: Params, cache: Cache, gy: Flow<Tensor>) {
      const x = cache as Tensor;
      const g = single(gy, type);
      return { gx: { shape: [...x.shape], data: derivativeLoop(spec, x.data, g.data) }, gparams: {} };
    },
    jvp(_params: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const x = cache as Tensor;
      const ty =
        tx === null ? new Float64Array(x.data.length) : derivativeLoop(spec, x.data, single(tx, type).data);
      return { shape: [...x.shape], data: ty };
    },
    kernel(k: Flow<Kernel>): Kernel {
      if (Array.isArray(k))
        throw new NtkTypeError(
          `${type}: expected one kernel record, got a list of ${k.length} (add a FanIn layer before it)`,
        );
      return applyDual(k, dual, type);
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
      perEntry: perEntryOf(spec),
    },
  };
}

/** Correlation ρ = s/√(q1·q2) clipped to [−1, 1] (rounding can push it past ±1); 0 when a variance is 0. */
export function correlation(s: number, q1: number, q2: number): number {
  const n = rootProduct(q1, q2);
  if (n === 0) return 0;
  const c = s / n;
  return c > 1 ? 1 : c < -1 ? -1 : c;
}

/** Throw unless v is a finite number; names the activation and the parameter. */
export function checkFinite(v: unknown, where: string, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new NtkInputError(`${where}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}
