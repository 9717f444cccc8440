/**
 * Densities on the circle, angles in [−π, π). Either piecewise constant on J equal arcs
 * Rⱼ = [−π + 2πj/J, −π + 2π(j+1)/J) (seed 004's setting), or a continuous function.
 *
 * Policy for a density that does not integrate to 1: it is NORMALIZED and the
 * result says so (`normalizedFrom` holds the original integral; the CLI also warns on stderr), because
 * densities typed as decimals (e.g. 3/(2π)·1/7 ≈ 0.0682) rarely integrate to 1 exactly, and relative
 * weights such as "1,2,4" are a natural way to write one. Negative values, a zero total, or values that
 * are not finite are refused.
 */

/** A density on the circle: piecewise constant on equal arcs, or a function p(x) on [−π, π). */
export type CircleDensity =
  | { readonly kind: 'piecewise'; readonly values: Float64Array; readonly normalizedFrom: number | null }
  | {
      readonly kind: 'function';
      /** p(x), x ∈ [−π, π), normalized. */
      readonly p: (x: number) => number;
      readonly normalizedFrom: number | null;
      readonly label: string;
    };

/** Tolerance on |∫p − 1| below which a density is taken as given. */
export const DENSITY_TOL = 1e-9;

/** Piecewise-constant density on equal arcs, values p₁..p_J (normalized if Σ pⱼ·2π/J ≠ 1). */
export function piecewiseDensity(values: ArrayLike<number>): CircleDensity {
  const J = values.length;
  if (J < 1) throw new RangeError('density: expected at least one value');
  const v = Float64Array.from(values);
  let total = 0;
  for (let j = 0; j < J; j++) {
    if (!Number.isFinite(v[j]) || v[j] < 0)
      throw new RangeError(`density: part ${j + 1} is ${v[j]}; every part must be a finite number ≥ 0`);
    total += (v[j] * 2 * Math.PI) / J;
  }
  if (!(total > 0)) throw new RangeError('density: all parts are zero; a density must have positive mass');
  if (Math.abs(total - 1) <= DENSITY_TOL) return { kind: 'piecewise', values: v, normalizedFrom: null };
  return { kind: 'piecewise', values: v.map((x) => x / total), normalizedFrom: total };
}

/** The uniform density p = 1/(2π) on the circle. */
export function uniformDensity(): CircleDensity {
  return piecewiseDensity([1 / (2 * Math.PI)]);
}

/**
 * A continuous density p(x) on [−π, π) (normalized if needed; the integral is computed by the
 * midpoint rule on 2¹⁶ cells, and negative values at those points are refused).
 */
export function functionDensity(p: (x: number) => number, label = 'p(x)'): CircleDensity {
  const n = 1 << 16;
  const h = (2 * Math.PI) / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = -Math.PI + (i + 0.5) * h;
    const v = p(x);
    if (!Number.isFinite(v) || v < 0)
      throw new RangeError(`density: ${label} = ${v} at x = ${x}; it must be finite and ≥ 0`);
    total += v * h;
  }
  if (!(total > 0)) throw new RangeError(`density: ${label} has zero mass`);
  if (Math.abs(total - 1) <= DENSITY_TOL) return { kind: 'function', p, normalizedFrom: null, label };
  return { kind: 'function', p: (x) => p(x) / total, normalizedFrom: total, label };
}

/** Seed 004's continuous example p(x) = (3·cos(2x + π) + 4.5)/(9π) (integrates to 1). */
export function seedContinuousDensity(): CircleDensity {
  return functionDensity(
    (x) => (3 * Math.cos(2 * x + Math.PI) + 4.5) / (9 * Math.PI),
    '(3cos(2x+π)+4.5)/(9π)',
  );
}

/**
 * Parse the CLI form: 'uniform', 'seed004-continuous' (seed 004's (3cos(2x+π)+4.5)/(9π)) or
 * 'p1,p2,…' (values on equal arcs starting at −π).
 */
export function parseDensity(spec: string): CircleDensity {
  const s = spec.trim();
  if (s === 'uniform') return uniformDensity();
  if (s === 'seed004-continuous') return seedContinuousDensity();
  const parts = s.split(',').map((x) => x.trim());
  const vals = parts.map((x) => (x === '' ? NaN : Number(x)));
  vals.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new RangeError(
        `--density: part ${i + 1} '${parts[i]}' is not a number (expected 'uniform' or comma-separated values p1,p2,…)`,
      );
  });
  return piecewiseDensity(vals);
}

/** p at x (any real angle, taken mod 2π). */
export function densityAt(p: CircleDensity, x: number): number {
  let y = (x + Math.PI) % (2 * Math.PI);
  if (y < 0) y += 2 * Math.PI;
  if (p.kind === 'function') return p.p(y - Math.PI);
  const J = p.values.length;
  return p.values[Math.min(J - 1, Math.floor((y * J) / (2 * Math.PI)))];
}

/** ∫ p over [a, b] ⊂ [−π, π] (exact for piecewise densities; 64-point midpoint rule for functions). */
export function densityMass(p: CircleDensity, a: number, b: number): number {
  if (p.kind === 'function') {
    const n = 64;
    const h = (b - a) / n;
    let s = 0;
    for (let i = 0; i < n; i++) s += p.p(a + (i + 0.5) * h);
    return s * h;
  }
  const J = p.values.length;
  const w = (2 * Math.PI) / J;
  let s = 0;
  for (let j = 0; j < J; j++) {
    const lo = Math.max(a, -Math.PI + j * w);
    const hi = Math.min(b, -Math.PI + (j + 1) * w);
    if (hi > lo) s += (hi - lo) * p.values[j];
  }
  return s;
}
