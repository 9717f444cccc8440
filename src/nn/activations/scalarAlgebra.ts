/**
 * The arithmetic a user's NNGP map is written in, so that it runs both on plain numbers (Σ') and on
 * forward-mode dual numbers v + d·ε, ε² = 0 (the exact derivative ∂Σ'/∂s, with no finite difference).
 */
export interface ScalarAlgebra<T> {
  /** The constant v (derivative 0). */
  c(v: number): T;
  /** a + b. */
  add(a: T, b: T): T;
  /** a − b. */
  sub(a: T, b: T): T;
  /** a·b. */
  mul(a: T, b: T): T;
  /** a / b. */
  div(a: T, b: T): T;
  /** √a. */
  sqrt(a: T): T;
  /** eᵃ. */
  exp(a: T): T;
  /** ln a. */
  log(a: T): T;
  /** arcsin a. */
  asin(a: T): T;
  /** arccos a. */
  acos(a: T): T;
  /** arctan a. */
  atan(a: T): T;
  /** sin a. */
  sin(a: T): T;
  /** cos a. */
  cos(a: T): T;
  /** aⁿ for an integer n. */
  powi(a: T, n: number): T;
}

/** The algebra of float64 numbers. */
export const NUMBERS: ScalarAlgebra<number> = {
  c: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sin: Math.sin,
  cos: Math.cos,
  powi: (a, n) => a ** n,
};

/** A dual number v + d·ε (ε² = 0): f(v + d·ε) = f(v) + f'(v)·d·ε. */
export interface Dual {
  readonly v: number;
  readonly d: number;
}

const dual = (v: number, d: number): Dual => ({ v, d });

/** The algebra of dual numbers: exact forward-mode derivatives. */
export const DUALS: ScalarAlgebra<Dual> = {
  c: (v) => dual(v, 0),
  add: (a, b) => dual(a.v + b.v, a.d + b.d),
  sub: (a, b) => dual(a.v - b.v, a.d - b.d),
  mul: (a, b) => dual(a.v * b.v, a.d * b.v + a.v * b.d),
  div: (a, b) => dual(a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)),
  sqrt: (a) => {
    const r = Math.sqrt(a.v);
    return dual(r, a.d / (2 * r));
  },
  exp: (a) => {
    const e = Math.exp(a.v);
    return dual(e, e * a.d);
  },
  log: (a) => dual(Math.log(a.v), a.d / a.v),
  asin: (a) => dual(Math.asin(a.v), a.d / Math.sqrt(1 - a.v * a.v)),
  acos: (a) => dual(Math.acos(a.v), -a.d / Math.sqrt(1 - a.v * a.v)),
  atan: (a) => dual(Math.atan(a.v), a.d / (1 + a.v * a.v)),
  sin: (a) => dual(Math.sin(a.v), Math.cos(a.v) * a.d),
  cos: (a) => dual(Math.cos(a.v), -Math.sin(a.v) * a.d),
  powi: (a, n) => dual(a.v ** n, n === 0 ? 0 : n * a.v ** (n - 1) * a.d),
};

/** A map (s, q1, q2) ↦ Σ' written once for any algebra. */
export type NngpMap = <T>(s: T, q1: T, q2: T, m: ScalarAlgebra<T>) => T;
