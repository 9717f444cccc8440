import { NtkInputError, NtkTypeError } from '../../errors.js';
import { gaussianDual, type GaussianDualOptions } from '../../special/gaussianDual.js';
import { normalCdf } from '../../special/normal.js';
import { activationLayer } from '../activation.js';
import type { EntrywiseLayer } from '../entrywise.js';

/**
 * Elementwise(φ, φ'): any activation, with its dual (Σ', Σ̇) computed numerically by quadrature over the
 * bivariate Gaussian (src/special/gaussianDual.ts: tensor Gauss–Hermite for smooth φ; piecewise
 * Gauss–Legendre cut along the kinks when `breakpoints` are given). This gives Tanh, Softplus, Swish or a
 * user function an NNGP and an NTK (neural-tangents `stax.ElementwiseNumerical`, which uses GH too).
 *
 * `fn` is a function or the name of a built-in (model files can only use names): tanh, softplus,
 * swish (= silu, x·σ(x)), sigmoid, gelu, relu (kinked: breakpoints [0] are set automatically).
 */
export interface ElementwiseOptions extends GaussianDualOptions {
  /** φ, or the name of a built-in (NAMED_ELEMENTWISE). */
  readonly fn: string | ((x: number) => number);
  /** φ'; required when fn is a function. */
  readonly dfn?: (x: number) => number;
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** A built-in activation of {@link Elementwise}: φ, φ′ and the kinks of φ. */
interface Named {
  fn: (x: number) => number;
  dfn: (x: number) => number;
  breakpoints?: number[];
}

/** The built-in activations {@link Elementwise} accepts by name (model files can only use names). */
export const NAMED_ELEMENTWISE: Readonly<Record<string, Named>> = {
  tanh: { fn: Math.tanh, dfn: (x) => 1 - Math.tanh(x) ** 2 },
  // softplus(x) = log(1 + eˣ), computed without overflow; derivative σ(x).
  softplus: { fn: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), dfn: sigmoid },
  swish: { fn: (x) => x * sigmoid(x), dfn: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
  silu: { fn: (x) => x * sigmoid(x), dfn: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
  sigmoid: { fn: sigmoid, dfn: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  gelu: {
    fn: (x) => x * normalCdf(x),
    dfn: (x) => normalCdf(x) + x * 0.3989422804014327 * Math.exp(-0.5 * x * x),
  },
  relu: { fn: (x) => (x > 0 ? x : 0), dfn: (x) => (x > 0 ? 1 : 0), breakpoints: [0] },
};

/** Any activation φ, its dual Σ' = E[φ(u)φ(v)], Σ̇ = E[φ′(u)φ′(v)] over (u, v) ~ N(0, [[q₁, Σ], [Σ, q₂]]) by Gauss–Hermite quadrature (neural-tangents `stax.ElementwiseNumerical`). */
export function Elementwise(opts: ElementwiseOptions): EntrywiseLayer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(
      `Elementwise: expected options { fn, dfn?, nodes?, breakpoints? }, got ${String(opts)}`,
    );
  let fn: (x: number) => number;
  let dfn: (x: number) => number;
  let breakpoints = opts.breakpoints;
  let name: string;
  if (typeof opts.fn === 'string') {
    const named = NAMED_ELEMENTWISE[opts.fn];
    if (!named)
      throw new NtkInputError(
        `Elementwise: unknown fn '${opts.fn}'; known: ${Object.keys(NAMED_ELEMENTWISE).join(', ')}`,
      );
    ({ fn, dfn } = named);
    breakpoints ??= named.breakpoints;
    name = opts.fn;
  } else if (typeof opts.fn === 'function' && typeof opts.dfn === 'function') {
    fn = opts.fn;
    dfn = opts.dfn;
    name = '<function>';
  } else {
    throw new NtkTypeError(
      `Elementwise: fn must be a built-in name or a function with dfn (its derivative) also a function`,
    );
  }
  if (opts.nodes !== undefined && (!Number.isInteger(opts.nodes) || opts.nodes < 2 || opts.nodes > 400)) {
    throw new NtkInputError(`Elementwise: nodes must be an integer in [2, 400], got ${opts.nodes}`);
  }
  if (
    breakpoints !== undefined &&
    !(Array.isArray(breakpoints) && breakpoints.every((b) => Number.isFinite(b)))
  ) {
    throw new NtkTypeError(
      `Elementwise: breakpoints must be an array of finite numbers, got ${String(breakpoints)}`,
    );
  }
  const quad: GaussianDualOptions = { nodes: opts.nodes, breakpoints };
  const config: { type: string; [k: string]: unknown } = { type: 'Elementwise', fn: name };
  if (opts.nodes !== undefined) config.nodes = opts.nodes;
  if (opts.breakpoints !== undefined) config.breakpoints = [...opts.breakpoints];
  return activationLayer({
    config,
    fn,
    dfn,
    dual: (s, q1, q2, out) => gaussianDual(fn, dfn, s, q1, q2, quad, out),
  });
}
