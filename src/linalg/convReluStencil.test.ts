/**
 * The 3×3 Conv → ReLU layer of the fused CNTK recursion: the wasm engine (f64x2) against the TypeScript loop, the
 * same numbers (Object.is) over whole buffers (outputs, padding ring and everything the layer must not touch), on random regions of odd
 * and even sizes and offsets, with correlations in all three ranges of the arccos and beyond ±1 (clamped), the
 * self-pair's pinned variances, zero variances (ρ = 0), subnormal variances (whose reciprocal roots' product
 * overflows: ρ = Σ'/(√q₁·√q₂)), and variances of 10^±(280..300), whose product would overflow or underflow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convReluWorkspace, stencilRoots, type ConvReluWorkspace } from './convReluStencil.js';
import { simdAvailable } from './wasm/kernels.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

interface Case {
  oh: number;
  ow: number;
  bw: number;
  top: number;
  left: number;
  w2: number;
  bb: number;
  wOut: number;
  sh: number;
  sw: number;
  r1: number;
  r2: number;
  pin: number;
}

const V = 4096;

/** The first index where a and b hold different numbers (Object.is: −0 ≠ +0, NaN = NaN), or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

function fill(ws: ConvReluWorkspace, seed: number, c: Case, variance: (r: () => number) => number): void {
  const r = rng(seed);
  const [S, T, dS, dT, v1, v2, root1, recip1, root2, recip2] = ws.arrays;
  for (const a of [S, T]) for (let i = 0; i < a.length; i++) a[i] = 4 * r() - 2;
  for (const a of [dS, dT]) for (let i = 0; i < a.length; i++) a[i] = -7;
  for (const a of [v1, v2]) for (let i = 0; i < a.length; i++) a[i] = variance(r);
  // the self-pair's pin: Σ' replaced by the variances, so ρ = 1 exactly where v1 = v2
  if (c.pin >= 0) for (let i = 0; i < V - c.pin; i++) v1[c.pin + i] = v1[c.r1 + i] = v2[c.r2 + i];
  stencilRoots(v1, root1, recip1);
  stencilRoots(v2, root2, recip2);
}

function run(ws: ConvReluWorkspace, c: Case): void {
  const [S, T, dS, dT, v1, v2, root1, recip1, root2, recip2] = ws.arrays;
  ws.conv3x3Relu(
    c.oh,
    c.ow,
    S,
    T,
    dS,
    dT,
    c.bw,
    c.top,
    c.left,
    c.w2,
    c.bb,
    1 / 9,
    v1,
    root1,
    recip1,
    c.r1,
    v2,
    root2,
    recip2,
    c.r2,
    c.wOut,
    c.sh,
    c.sw,
    c.pin,
  );
}

const variances: Record<string, (r: () => number) => number> = {
  'O(1)': (r) => 0.2 + 3 * r(),
  'small (ρ beyond ±1)': (r) => 0.01 * r(),
  'zeros and O(1)': (r) => (r() < 0.3 ? 0 : 0.5 + r()),
  'products overflow or underflow': (r) => (r() < 0.5 ? 10 ** (280 + 20 * r()) : 10 ** (-280 - 20 * r())),
  'subnormal (reciprocal roots overflow)': (r) => (r() < 0.5 ? 2 ** (-1074 + 40 * r()) : 0.5 + r()),
};

test('conv3x3Relu: the wasm engine = the TypeScript loop bit for bit', { skip: !simdAvailable() }, () => {
  const r = rng(7);
  let cases = 0;
  for (const [name, variance] of Object.entries(variances))
    for (let k = 0; k < 40; k++) {
      const oh = 1 + Math.floor(r() * 12);
      const ow = 1 + Math.floor(r() * 13);
      const bw = ow + 2 + Math.floor(r() * 3);
      const wOut = ow + Math.floor(r() * 3);
      const c: Case = {
        oh,
        ow,
        bw,
        top: Math.floor(r() * 2),
        left: Math.floor(r() * 2),
        w2: 0.5 + 2 * r(),
        bb: k % 3 === 0 ? 0 : r(),
        wOut,
        sh: Math.floor(r() * 2),
        sw: Math.floor(r() * 2),
        r1: Math.floor(r() * 50),
        r2: Math.floor(r() * 50),
        pin: k % 4 === 0 ? 100 + Math.floor(r() * 50) : -1,
      };
      const lengths = [bw * (oh + 4), bw * (oh + 4), bw * (oh + 4), bw * (oh + 4), V, V, V, V, V, V];
      const ts = convReluWorkspace('ts', lengths);
      const wasm = convReluWorkspace('wasm', lengths);
      fill(ts, k, c, variance);
      fill(wasm, k, c, variance);
      run(ts, c);
      run(wasm, c);
      for (let a = 0; a < lengths.length; a++) {
        const i = firstDifference(wasm.arrays[a], ts.arrays[a]);
        assert.equal(
          i,
          -1,
          `${name}, case ${k} ${JSON.stringify(c)}: array ${a}[${i}] = ${wasm.arrays[a][i]} (wasm), ${ts.arrays[a][i]} (ts)`,
        );
      }
      cases++;
    }
  assert.equal(cases, 200);
});

test('convReluWorkspace: zeroed arrays of the lengths asked for, on either engine', () => {
  for (const engine of simdAvailable() ? (['ts', 'wasm'] as const) : (['ts'] as const)) {
    const ws = convReluWorkspace(engine, [3, 0, 5]);
    assert.equal(ws.engine, engine);
    assert.deepEqual(
      ws.arrays.map((a) => Array.from(a)),
      [[0, 0, 0], [], [0, 0, 0, 0, 0]],
    );
  }
});
