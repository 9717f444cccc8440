/**
 * The two-layer linear toy model of the catapult mechanism (Lewkowycz et al.
 * 2020, arXiv:2003.02218, §2): f = n^{-1/2} vᵀu·x on the single point (x = 1, y), loss L = (f − y)²/2.
 * Pure float64 arithmetic; no library code needed.
 */

/** State of the scalar recurrence: residual Δf = f − y and the NTK λ = n^{-1}(‖u‖² + ‖v‖²). */
export interface ToyState {
  readonly df: number;
  readonly lambda: number;
}

/**
 * One GD step of the scalar recurrences as stated for the toy model (Lewkowycz et al. 2020):
 *   Δf_{t+1} = (1 − ηλ_t + η²Δf_t²/n)·Δf_t,   λ_{t+1} = λ_t + η(ηλ_t − 4)·Δf_t²/n.
 * Exact for the target y = 0 (Lewkowycz et al.'s setting); for y ≠ 0 see `toyStepExact`.
 */
export function toyStep(s: ToyState, eta: number, n: number): ToyState {
  return toyStepExact(s, eta, n, 0);
}

/**
 * One GD step, exact for any target y. Substituting the updates of exercise 1 into f = n^{-1/2}vᵀu and
 * λ = n^{-1}(‖u‖² + ‖v‖²), with c = ηΔf n^{-1/2}:
 *   f_{t+1} = f_t − ηλ_tΔf_t + η²Δf_t²f_t/n  ⇒  Δf_{t+1} = (1 − ηλ_t + η²Δf_t f_t/n)·Δf_t,
 *   λ_{t+1} = λ_t − 4ηΔf_t f_t/n + η²Δf_t²λ_t/n,
 * with f_t = Δf_t + y. For y = 0 these are the stated recurrences; for y ≠ 0 their Δf_t² should be Δf_t·f_t.
 */
export function toyStepExact(s: ToyState, eta: number, n: number, y: number): ToyState {
  const f = s.df + y;
  return {
    df: (1 - eta * s.lambda + (eta * eta * s.df * f) / n) * s.df,
    lambda: s.lambda + (eta * s.df * (eta * s.lambda * s.df - 4 * f)) / n,
  };
}

/** (Δf, λ) of the network with weights u, v (x = 1): Δf = n^{-1/2}vᵀu − y, λ = n^{-1}(‖u‖² + ‖v‖²). */
export function toyStateOf(u: Float64Array, v: Float64Array, y: number): ToyState {
  const n = u.length;
  let uv = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < n; i++) {
    uv += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  return { df: uv / Math.sqrt(n) - y, lambda: (uu + vv) / n };
}

/**
 * One GD step on the weights themselves (Lewkowycz et al. 2020, exercise 1), in place:
 *   u ← u − η n^{-1/2} Δf v,   v ← v − η n^{-1/2} Δf u   (both from the old u, v).
 */
export function toyGdStep(u: Float64Array, v: Float64Array, y: number, eta: number): void {
  const n = u.length;
  const { df } = toyStateOf(u, v, y);
  const c = (eta * df) / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    const ui = u[i];
    u[i] = ui - c * v[i];
    v[i] = v[i] - c * ui;
  }
}

/** Phase of a GD run (Lewkowycz et al. 2020: lazy below η_crit = 2/λ₀, catapult up to η_max, divergent above). */
export type Phase = 'lazy' | 'catapult' | 'divergent' | 'unresolved';

export interface ToyRun {
  /** η·λ₀ of this run. */
  readonly etaLambda0: number;
  readonly phase: Phase;
  /** max_t |Δf_t| / |Δf_0|: > 1 means the loss spiked. */
  readonly spike: number;
  /** η·λ at the last step (a converged run needs η·λ_∞ ≤ 2). */
  readonly etaLambdaFinal: number;
  /** Whether λ_t never increased (Lewkowycz et al. 2020, exercise 4: λ_t decreases monotonically in the catapult phase). */
  readonly lambdaMonotone: boolean;
  /** Steps until |Δf_t| ≤ tol·|Δf_0| (or the step budget if never). */
  readonly steps: number;
  /** The trajectory, if requested: t, Δf_t, λ_t (stopped at divergence). */
  readonly trace?: { readonly t: number[]; readonly df: number[]; readonly lambda: number[] };
}

export interface ToyRunOptions {
  readonly n: number;
  readonly steps: number;
  /** Converged when |Δf_t| ≤ tol·|Δf_0|. */
  readonly tol: number;
  /** Diverged when |Δf_t| > blowup·|Δf_0| or not finite. */
  readonly blowup: number;
  readonly trace?: boolean;
}

/**
 * Iterate the exact recurrence from (Δf₀, λ₀) at η = etaLambda0/λ₀ and classify the run:
 * divergent if |Δf| blows up; lazy if it converges with |Δf_t| never above |Δf₀|; catapult if it
 * converges after a spike (max |Δf_t| > |Δf₀|) with λ decreasing to η·λ_∞ ≤ 2; else unresolved.
 */
export function runToy(s0: ToyState, etaLambda0: number, o: ToyRunOptions): ToyRun {
  if (!(s0.df !== 0 && Number.isFinite(s0.df)))
    throw new Error(`runToy: Δf₀ must be finite and nonzero, got ${s0.df}`);
  if (!(s0.lambda > 0)) throw new Error(`runToy: λ₀ must be positive, got ${s0.lambda}`);
  if (!(etaLambda0 > 0)) throw new Error(`runToy: etaLambda0 must be positive, got ${etaLambda0}`);
  const eta = etaLambda0 / s0.lambda;
  const a0 = Math.abs(s0.df);
  const trace = o.trace ? { t: [0], df: [s0.df], lambda: [s0.lambda] } : undefined;
  let s = s0;
  let peak = a0;
  let monotone = true;
  let t = 0;
  let diverged = false;
  while (t < o.steps && Math.abs(s.df) > o.tol * a0) {
    const next = toyStep(s, eta, o.n);
    t++;
    if (!Number.isFinite(next.df) || !Number.isFinite(next.lambda) || Math.abs(next.df) > o.blowup * a0) {
      diverged = true;
      break;
    }
    if (next.lambda > s.lambda) monotone = false;
    s = next;
    peak = Math.max(peak, Math.abs(s.df));
    if (trace) {
      trace.t.push(t);
      trace.df.push(s.df);
      trace.lambda.push(s.lambda);
    }
  }
  const converged = !diverged && Math.abs(s.df) <= o.tol * a0;
  const spike = peak / a0;
  let phase: Phase = 'unresolved';
  if (diverged) phase = 'divergent';
  else if (converged && spike <= 1) phase = 'lazy';
  else if (converged && spike > 1 && eta * s.lambda <= 2 && s.lambda < s0.lambda) phase = 'catapult';
  return {
    etaLambda0,
    phase,
    spike,
    etaLambdaFinal: eta * s.lambda,
    lambdaMonotone: monotone,
    steps: t,
    ...(trace ? { trace } : {}),
  };
}

/**
 * The edge of divergence c = η_max·λ₀ between a converging η·λ₀ = lo and a diverging one = hi,
 * by bisection to width `width` (assumes one crossing in [lo, hi]).
 */
export function divergenceEdge(
  s0: ToyState,
  lo: number,
  hi: number,
  width: number,
  o: ToyRunOptions,
): number {
  if (!(lo < hi)) throw new Error(`divergenceEdge: need lo < hi, got [${lo}, ${hi}]`);
  if (runToy(s0, lo, o).phase === 'divergent' || runToy(s0, hi, o).phase !== 'divergent') {
    throw new Error(`divergenceEdge: need a converging run at ${lo} and a diverging one at ${hi}`);
  }
  while (hi - lo > width) {
    const mid = 0.5 * (lo + hi);
    if (runToy(s0, mid, o).phase === 'divergent') hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}
