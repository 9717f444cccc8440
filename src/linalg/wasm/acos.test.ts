/**
 * The f64x2 arccos of the CNTK stencil (./assembly/acos.ts) on 200 000 points — the ends ±1 and the range boundaries
 * ±1/2 with their neighbours, ±0, tiny and subnormal values, values within a few ulps and within 10⁻¹⁵..10⁻¹ of ±1,
 * uniform and log-spaced samples, and NaN and |x| > 1 — against the scalar arccos whose operations it runs
 * (src/special/arccos.ts: 0 ulp, the stencil's bit-for-bit agreement with the TypeScript loop rests on it) and against
 * Math.acos: ≤ 2 ulp at and above 1/2, where the one-division form drops fdlibm's correction; below 1/2 ≤ 1 ulp
 * (fdlibm's R by Estrin's scheme rounds apart from Horner's, which V8's Math.acos evaluates).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemory, WasmHeap } from './heap.js';
import { compileKernels, instantiateKernels } from './kernels.js';
import { CONTROL } from './control.js';
import { arccos } from '../../special/arccos.js';

const bits = new BigInt64Array(1);
const f = new Float64Array(bits.buffer);

/** The float64 next to x towards +∞ (k = 1) or −∞ (k = −1), k steps. */
function step(x: number, k: number): number {
  f[0] = x;
  const b = bits[0];
  // the integer order of the bits is the order of the floats for x ≥ 0, reversed for x < 0 (−0 and +0 aside)
  bits[0] = x > 0 || Object.is(x, 0) ? b + BigInt(k) : b - BigInt(k);
  return f[0];
}

/** Position of x on the line of all float64 values (adjacent floats differ by 1). */
function ordinal(x: number): bigint {
  f[0] = x;
  return bits[0] >= 0n ? bits[0] : -(bits[0] & 0x7fffffffffffffffn);
}

function points(): Float64Array {
  const xs: number[] = [
    1,
    -1,
    0.5,
    -0.5,
    0,
    -0,
    2 ** -57,
    -(2 ** -57),
    2 ** -1074,
    -(2 ** -1074),
    2 ** -1022,
  ];
  for (const c of [1, -1, 0.5, -0.5, 2 ** -57, -(2 ** -57)])
    for (let k = 1; k <= 64; k++) xs.push(step(c, k), step(c, -k));
  let s = 12345;
  const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 60000; i++) xs.push(2 * rnd() - 1);
  for (let i = 0; i < 40000; i++) {
    const t = 10 ** (-15 * rnd()) * 0.1; // 1e-16 .. 1e-1
    xs.push(1 - t, t - 1, rnd() < 0.5 ? t : -t);
  }
  for (let i = 0; i < 20000; i++) xs.push((rnd() < 0.5 ? -1 : 1) * 2 ** (-1074 * rnd()));
  const out = xs.filter((x) => Math.abs(x) <= 1);
  return Float64Array.from(out.length % 2 === 0 ? out : [...out, 0.25]);
}

/** |ordinal(a) − ordinal(b)|: how many float64 values apart a and b are. */
function ulps(a: number, b: number): bigint {
  const d = ordinal(a) - ordinal(b);
  return d < 0n ? -d : d;
}

test('f64x2 arccos = the scalar arccos bit for bit; ≤ 2 ulp from Math.acos at and above 1/2, ≤ 1 below', () => {
  const memory = createMemory(false);
  const k = instantiateKernels(compileKernels(false, 'plain'), memory);
  const x = points();
  const heap = new WasmHeap(memory, CONTROL);
  const px = heap.reserve(x.length);
  const py = heap.reserve(x.length);
  heap.f64().set(x, px / 8);
  k.acosArray(x.length, px, py);
  const y = heap.f64().subarray(py / 8, py / 8 + x.length);
  const worst = { scalar: 0n, upper: 0n, lower: 0n };
  const at = { scalar: 0, upper: 0, lower: 0 };
  let upperPoints = 0;
  for (let i = 0; i < x.length; i++) {
    const e = {
      scalar: ulps(y[i], arccos(x[i])),
      [x[i] >= 0.5 ? 'upper' : 'lower']: ulps(y[i], Math.acos(x[i])),
    };
    if (x[i] >= 0.5) upperPoints++;
    for (const [key, v] of Object.entries(e) as [keyof typeof worst, bigint][])
      if (v > worst[key]) [worst[key], at[key]] = [v, x[i]];
  }
  assert.ok(upperPoints > 40000, `${upperPoints} points at and above 1/2`);
  assert.equal(worst.scalar, 0n, `wasm vs src/special/arccos.ts: ${worst.scalar} ulp at x = ${at.scalar}`);
  assert.ok(worst.upper <= 2n, `x ≥ 1/2: ${worst.upper} ulp from Math.acos at x = ${at.upper}`);
  assert.ok(worst.lower <= 1n, `x < 1/2: ${worst.lower} ulp from Math.acos at x = ${at.lower}`);
  assert.equal(y[0], 0, 'acos 1 = 0');
  assert.equal(y[1], Math.PI, 'acos −1 = π');
});

test('f64x2 arccos: NaN for NaN and outside [−1, 1]', () => {
  const memory = createMemory(false);
  const k = instantiateKernels(compileKernels(false, 'plain'), memory);
  const heap = new WasmHeap(memory, CONTROL);
  const x = Float64Array.of(NaN, 1 + 2 ** -52, -1 - 2 ** -52, Infinity, -Infinity, 2);
  const px = heap.reserve(x.length);
  const py = heap.reserve(x.length);
  heap.f64().set(x, px / 8);
  k.acosArray(x.length, px, py);
  for (const v of heap.f64().subarray(py / 8, py / 8 + x.length)) assert.ok(Number.isNaN(v));
});
