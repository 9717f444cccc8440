import { NtkInputError, NtkNumericalError, NtkTypeError } from '../errors.js';

/**
 * An explicit adaptive Runge–Kutta solver for y' = F(t, y), y ∈ ℝⁿ: the Dormand–Prince 5(4) pair
 * (Dormand & Prince 1980, "A family of embedded Runge–Kutta formulae"; the coefficients of Hairer,
 * Nørsett & Wanner, "Solving ODEs I", 2nd ed., Table II.5.2), with
 *  - the 5th-order solution propagated (local extrapolation) and the embedded 4th-order one giving the
 *    error estimate; FSAL: the last stage of a step is the first of the next (6 evaluations per step);
 *  - error control in the weighted RMS norm ‖e‖ = √(mean (eᵢ / (atol + rtol·max(|y₀ᵢ|, |y₁ᵢ|)))²)
 *    (HNW II.4, eq. 4.11): a step is accepted when ‖e‖ ≤ 1, and the next step is
 *    h·min(5, max(0.2, 0.9·‖e‖^{−1/5})) (HNW II.4, eq. 4.13; no growth right after a rejection);
 *  - the starting step of HNW II.4 ("Starting step size", steps a–f);
 *  - dense output by Dormand & Prince's continuous extension of order 4 (HNW II.6, the interpolant of the
 *    code DOPRI5), so outputs at any requested times cost no extra steps.
 *
 * The tolerances bound the local error per step; the global error at time t is typically a small
 * multiple of rtol·‖y‖ + atol for dissipative problems (HNW II.3), not guaranteed. Explicit: on stiff
 * problems (a Jacobian eigenvalue −λ with λ·t ≫ 1) the step is limited to ≈ 3.3/λ by stability, so the
 * cost grows like λ·t.
 */

export interface OdeOptions {
  /** Relative tolerance (default 1e-8). */
  readonly rtol?: number;
  /** Absolute tolerance (default 1e-10). */
  readonly atol?: number;
  /** Largest number of steps, accepted and rejected (default 100 000); more throws NtkNumericalError. */
  readonly maxSteps?: number;
  /** Largest step (default: no limit). */
  readonly maxStep?: number;
}

/** The solution y(t) at the requested times, with the accepted / rejected step counts and F evaluations. */
export interface OdeSolution {
  /** y at each requested time, in the order the times were given. */
  readonly values: Float64Array[];
  readonly acceptedSteps: number;
  readonly rejectedSteps: number;
  /** Evaluations of F. */
  readonly evaluations: number;
}

/** F(t, y) written into dydt (length n); must not keep y or dydt. */
export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

// Butcher tableau (HNW Table II.5.2).
const C2 = 1 / 5;
const C3 = 3 / 10;
const C4 = 4 / 5;
const C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40;
const A32 = 9 / 40;
const A41 = 44 / 45;
const A42 = -56 / 15;
const A43 = 32 / 9;
const A51 = 19372 / 6561;
const A52 = -25360 / 2187;
const A53 = 64448 / 6561;
const A54 = -212 / 729;
const A61 = 9017 / 3168;
const A62 = -355 / 33;
const A63 = 46732 / 5247;
const A64 = 49 / 176;
const A65 = -5103 / 18656;
const A71 = 35 / 384;
const A73 = 500 / 1113;
const A74 = 125 / 192;
const A75 = -2187 / 6784;
const A76 = 11 / 84;
// e = b(5th) − b̂(4th).
const E1 = 71 / 57600;
const E3 = -71 / 16695;
const E4 = 71 / 1920;
const E5 = -17253 / 339200;
const E6 = 22 / 525;
const E7 = -1 / 40;
// Dense output of order 4 (DOPRI5's continuous extension).
const D1 = -12715105075 / 11282082432;
const D3 = 87487479700 / 32700410799;
const D4 = -10690763975 / 1880347072;
const D5 = 701980252875 / 199316789632;
const D6 = -1453857185 / 822651844;
const D7 = 69997945 / 29380423;

function positive(name: string, x: unknown, fallback: number): number {
  if (x === undefined) return fallback;
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x))
    throw new NtkInputError(`dormandPrince: ${name} must be a finite number > 0, got ${String(x)}`);
  return x;
}

/**
 * Solve y' = F(t, y), y(t0) = y0, and return y at each of `times` (each ≥ t0, finite, any order).
 * See the file comment for the method and the meaning of the tolerances.
 */
export function dormandPrince(
  rhs: OdeRhs,
  y0: Float64Array,
  t0: number,
  times: readonly number[],
  opts: OdeOptions = {},
): OdeSolution {
  if (typeof rhs !== 'function')
    throw new NtkTypeError(`dormandPrince: rhs must be a function, got ${typeof rhs}`);
  if (!(y0 instanceof Float64Array)) throw new NtkTypeError('dormandPrince: y0 must be a Float64Array');
  if (!Number.isFinite(t0)) throw new NtkInputError(`dormandPrince: t0 must be finite, got ${t0}`);
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (typeof t !== 'number' || !Number.isFinite(t) || t < t0)
      throw new NtkInputError(
        `dormandPrince: times[${i}] must be a finite number ≥ t0 = ${t0}, got ${String(t)}`,
      );
  }
  for (let i = 0; i < y0.length; i++)
    if (!Number.isFinite(y0[i]))
      throw new NtkInputError(`dormandPrince: y0[${i}] must be finite, got ${y0[i]}`);
  const rtol = positive('rtol', opts.rtol, 1e-8);
  const atol = positive('atol', opts.atol, 1e-10);
  const maxSteps = positive('maxSteps', opts.maxSteps, 100_000);
  const maxStep = positive('maxStep', opts.maxStep, Infinity);

  const n = y0.length;
  const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
  const values: Float64Array[] = new Array<Float64Array>(times.length);
  let next = 0;
  // Requested times equal to t0 need no step.
  while (next < order.length && times[order[next]] === t0) values[order[next++]] = y0.slice();
  let evaluations = 0;
  const F = (t: number, y: Float64Array, out: Float64Array): void => {
    rhs(t, y, out);
    evaluations++;
  };
  if (next === order.length) return { values, acceptedSteps: 0, rejectedSteps: 0, evaluations };
  const tEnd = times[order[order.length - 1]];

  let y = y0.slice();
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const k5 = new Float64Array(n);
  const k6 = new Float64Array(n);
  const k7 = new Float64Array(n);
  let yNew = new Float64Array(n);
  const tmp = new Float64Array(n);
  const scale = (a: Float64Array, b: Float64Array, i: number): number =>
    atol + rtol * Math.max(Math.abs(a[i]), Math.abs(b[i]));
  const rms = (v: Float64Array, ref: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = v[i] / scale(ref, ref, i);
      s += r * r;
    }
    return n === 0 ? 0 : Math.sqrt(s / n);
  };

  let t = t0;
  F(t, y, k1);
  // Starting step (HNW II.4): h₀ from ‖y₀‖/‖f₀‖, then one explicit Euler step to gauge y''.
  const d0 = rms(y, y);
  const d1 = rms(k1, y);
  let h = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h = Math.min(h, tEnd - t, maxStep);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + h * k1[i];
  F(t + h, tmp, k2);
  for (let i = 0; i < n; i++) k2[i] -= k1[i];
  const d2 = rms(k2, y) / h;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / 5);
  h = Math.min(100 * h, h1, tEnd - t, maxStep);

  let accepted = 0;
  let rejected = 0;
  let justRejected = false;
  while (next < order.length) {
    if (accepted + rejected >= maxSteps)
      throw new NtkNumericalError(
        `dormandPrince: more than maxSteps = ${maxSteps} steps before t = ${tEnd} (reached t = ${t}); ` +
          `the problem may be stiff (step ≈ ${h.toExponential(3)}); raise maxSteps or loosen rtol/atol`,
      );
    const last = t + h >= tEnd;
    if (last) h = tEnd - t;
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * A21 * k1[i];
    F(t + C2 * h, tmp, k2);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    F(t + C3 * h, tmp, k3);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    F(t + C4 * h, tmp, k4);
    for (let i = 0; i < n; i++) tmp[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    F(t + C5 * h, tmp, k5);
    for (let i = 0; i < n; i++)
      tmp[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    const tNew = last ? tEnd : t + h;
    F(tNew, tmp, k6);
    for (let i = 0; i < n; i++)
      yNew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    F(tNew, yNew, k7);
    let err = 0;
    let finite = true;
    for (let i = 0; i < n; i++) {
      const e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const r = e / scale(y, yNew, i);
      err += r * r;
      if (!Number.isFinite(yNew[i])) finite = false;
    }
    err = n === 0 ? 0 : Math.sqrt(err / n);
    if (!finite || !Number.isFinite(err) || err > 1) {
      rejected++;
      justRejected = true;
      h *= Number.isFinite(err) && finite ? Math.max(0.2, 0.9 * err ** (-1 / 5)) : 0.2;
      if (!(h > Math.abs(t) * 1e-15 && h > 0))
        throw new NtkNumericalError(
          `dormandPrince: the step size underflowed at t = ${t} (the solution may blow up or be non-finite there)`,
        );
      continue;
    }
    // Accepted: emit dense output for every requested time in (t, tNew].
    while (next < order.length && times[order[next]] <= tNew) {
      const theta = (times[order[next]] - t) / h;
      const th1 = 1 - theta;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const ydiff = yNew[i] - y[i];
        const bspl = h * k1[i] - ydiff;
        const r4 = ydiff - h * k7[i] - bspl;
        const r5 = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
        out[i] = y[i] + theta * (ydiff + th1 * (bspl + theta * (r4 + th1 * r5)));
      }
      if (times[order[next]] === tNew) out.set(yNew);
      values[order[next++]] = out;
    }
    accepted++;
    t = tNew;
    [y, yNew] = [yNew, y];
    // FSAL: k7 = F(t_new, y_new) is the next step's k1.
    k1.set(k7);
    const grow = Math.min(5, 0.9 * (err === 0 ? Infinity : err ** (-1 / 5)));
    h = Math.min(h * (justRejected ? Math.min(1, grow) : Math.max(0.2, grow)), maxStep);
    justRejected = false;
  }
  return { values, acceptedSteps: accepted, rejectedSteps: rejected, evaluations };
}
