/**
 * Binary fixed-point reals of arbitrary precision on BigInt: a value v is stored as the integer
 * round(v·2^P). Enough for the few elementary functions the arc-cosine / erf kernel recursions need
 * (√, arcsin, arccos, π, exp), evaluated at P ≈ d + 100 bits so that the boolean-cube finite
 * differences (Yang & Salman 2019, Thm 3.1; see cube.ts) keep full float64 accuracy up to d ≈ 1000.
 *
 * All operations truncate toward −∞ or zero; each loses at most a few units of 2^−P. Callers choose P
 * with guard bits above the accuracy they need.
 */

export interface Fixed {
  /** Fractional bits. */
  readonly P: number;
  readonly one: bigint;
}

export function fixedContext(P: number): Fixed {
  if (!Number.isInteger(P) || P < 8 || P > 200_000) {
    throw new RangeError(`fixedContext: P (fractional bits) must be an integer in [8, 200000], got ${P}`);
  }
  return { P, one: 1n << BigInt(P) };
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** Exact value of a finite float64 x as (mantissa, exponent) with x = m·2^e, m an integer. */
function decompose(x: number): { m: bigint; e: number } {
  if (!Number.isFinite(x)) throw new RangeError(`fixed: expected a finite number, got ${x}`);
  if (x === 0) return { m: 0n, e: 0 };
  F64[0] = x;
  const bits = U64[0];
  const sign = bits >> 63n ? -1n : 1n;
  const expBits = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  if (expBits === 0) return { m: sign * frac, e: -1074 };
  return { m: sign * (frac | (1n << 52n)), e: expBits - 1075 };
}

/** round(x·2^P) for a float64 x (exact when x has no bits below 2^−P). */
export function fromNumber(c: Fixed, x: number): bigint {
  const { m, e } = decompose(x);
  const s = e + c.P;
  if (s >= 0) return m << BigInt(s);
  return divRound(m, 1n << BigInt(-s));
}

/** round(a/b · 2^P) for integers a, b (b ≠ 0). */
export function fromRatio(c: Fixed, a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('fixed.fromRatio: division by zero');
  return divRound(a << BigInt(c.P), b);
}

/** Integer division a/b rounded to nearest (ties away from zero). */
function divRound(a: bigint, b: bigint): bigint {
  if (b < 0n) {
    a = -a;
    b = -b;
  }
  const q = a / b;
  const r = a - q * b;
  if (2n * (r < 0n ? -r : r) >= b) return a < 0n ? q - 1n : q + 1n;
  return q;
}

export function mul(c: Fixed, a: bigint, b: bigint): bigint {
  return (a * b) >> BigInt(c.P);
}

export function div(c: Fixed, a: bigint, b: bigint): bigint {
  if (b === 0n) throw new RangeError('fixed.div: division by zero');
  return (a << BigInt(c.P)) / b;
}

/**
 * ⌊√n⌋ for an integer n ≥ 0: Newton's method started from the float64 square root of the leading
 * bits (≈ 26 correct bits, so a handful of quadratically converging steps). After one step the iterate
 * is ≥ √n (AM–GM), and the iteration then decreases monotonically to ⌊√n⌋.
 */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('fixed.isqrt: negative argument');
  if (n < 2n) return n;
  const bits = bitLength(n);
  const shift = Math.max(0, (bits - 52) & ~1);
  let x = (BigInt(Math.floor(Math.sqrt(Number(n >> BigInt(shift))))) + 1n) << BigInt(shift >> 1);
  x = (x + n / x) >> 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(c: Fixed, a: bigint): bigint {
  if (a < 0n) throw new RangeError('fixed.sqrt: negative argument');
  return isqrt(a << BigInt(c.P));
}

/** atan(1/n)·2^P for an integer n ≥ 2 by its alternating Taylor series. */
function atanInv(c: Fixed, n: bigint): bigint {
  const n2 = n * n;
  let power = c.one / n; // 1/n^(2k+1)
  let sum = power;
  for (let k = 1n; power !== 0n; k++) {
    power /= n2;
    const term = power / (2n * k + 1n);
    sum += k % 2n === 1n ? -term : term;
  }
  return sum;
}

const piCache = new Map<number, bigint>();

/** π by Machin's formula π = 16·atan(1/5) − 4·atan(1/239). */
export function pi(c: Fixed): bigint {
  const hit = piCache.get(c.P);
  if (hit !== undefined) return hit;
  const g = fixedContext(c.P + 16);
  const v = (16n * atanInv(g, 5n) - 4n * atanInv(g, 239n)) >> 16n;
  piCache.set(c.P, v);
  return v;
}

/**
 * atan(x): for |x| > 1 by atan(x) = sign(x)·π/2 − atan(1/x); then r halvings
 * atan(x) = 2·atan(x / (1 + √(1 + x²))) bring |x| below 2^−r, where the Taylor series needs ~P/(2r) terms.
 */
export function atan(c: Fixed, x: bigint): bigint {
  if (x < 0n) return -atan(c, -x);
  if (x > c.one) return (pi(c) >> 1n) - atan(c, div(c, c.one, x));
  const g = fixedContext(c.P + 32);
  let y = x << 32n;
  // r halvings (each a √ and a ÷) against ≈ P/(2r) series terms (each a ×): r ≈ √(P/6) balances them
  const r = Math.max(4, Math.ceil(Math.sqrt(c.P / 6)));
  for (let i = 0; i < r; i++) y = div(g, y, g.one + sqrt(g, g.one + mul(g, y, y)));
  const y2 = mul(g, y, y);
  let power = y;
  let sum = y;
  for (let k = 1n; power !== 0n; k++) {
    power = mul(g, power, y2);
    const term = power / (2n * k + 1n);
    sum += k % 2n === 1n ? -term : term;
  }
  return (sum << BigInt(r)) >> 32n;
}

/** arcsin(x) for |x| ≤ 1 (x given in fixed point), as atan(x/√(1 − x²)). */
export function asin(c: Fixed, x: bigint): bigint {
  if (x > c.one || x < -c.one) {
    throw new RangeError(`fixed.asin: argument must lie in [−1, 1], got ${toNumber(c, x)}`);
  }
  if (x === c.one) return pi(c) >> 1n;
  if (x === -c.one) return -(pi(c) >> 1n);
  const g = fixedContext(c.P + 32);
  const xg = x << 32n;
  return atan(g, div(g, xg, sqrt(g, g.one - mul(g, xg, xg)))) >> 32n;
}

export function acos(c: Fixed, x: bigint): bigint {
  return (pi(c) >> 1n) - asin(c, x);
}

/** e^x by e^x = (e^{x/2^r})^{2^r} with the Taylor series for the reduced argument. */
export function exp(c: Fixed, x: bigint): bigint {
  const r = Math.max(8, Math.ceil(Math.sqrt(c.P)));
  const g = fixedContext(c.P + 2 * r + 64 + 2 * Math.ceil(Math.log2(Math.abs(toNumber(c, x)) + 1)));
  const shift = BigInt(g.P - c.P);
  const y = (x << shift) >> BigInt(r);
  let term = g.one;
  let sum = g.one;
  for (let k = 1n; term !== 0n; k++) {
    term = mul(g, term, y) / k;
    sum += term;
  }
  for (let i = 0; i < r; i++) sum = mul(g, sum, sum);
  return sum >> shift;
}

/** Bit length of |n|. */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 0;
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** The float64 nearest to a/b for integers a, b (b ≠ 0), for any magnitude (subnormal results round). */
export function ratioToNumber(a: bigint, b: bigint): number {
  if (b === 0n) throw new RangeError('fixed.ratioToNumber: division by zero');
  if (a === 0n) return 0;
  if (b < 0n) {
    a = -a;
    b = -b;
  }
  const neg = a < 0n;
  const abs = neg ? -a : a;
  // Scale so the integer quotient has ≥ 80 significant bits; then one rounding to float64
  // (the sticky remainder bit keeps the rounding correct).
  const shift = bitLength(b) - bitLength(abs) + 80;
  const num = shift >= 0 ? abs << BigInt(shift) : abs;
  const den = shift >= 0 ? b : b << BigInt(-shift);
  let q = num / den;
  if (q * den !== num) q |= 1n;
  const v = scalePow2(Number(q), -shift);
  return neg ? -v : v;
}

/** x·2^e without intermediate overflow/underflow. */
function scalePow2(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

export function toNumber(c: Fixed, a: bigint): number {
  return ratioToNumber(a, c.one);
}
