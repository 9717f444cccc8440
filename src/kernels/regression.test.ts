import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../linalg/select.js';
import { kernelFn } from './kernelFn.js';
import { regressionCases } from './regressionCases.testutil.js';

/**
 * Kernels are bit-identical to the values the code wrote before a refactoring (test/fixtures/kernels/, written by
 * scripts/write-kernel-fixture.js, on the ts backend), on the fused, general and spatial paths: bit for bit on
 * the ts backend, whose GEMM sums in a fixed order on every CPU, and within 1e-12 relative on the others, whose
 * GEMMs for Σ⁰ sum in another order (wasm: with fused multiply-adds; blas: in the order of the kernel OpenBLAS
 * picks for the CPU it runs on, so its bits differ from one machine to the next).
 */
interface Expected {
  nngp: number[];
  ntk: number[];
  var1: number[];
  var2: number[];
}

const backend = getBackend().name;
const exact = backend === 'ts';
const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../test/fixtures/kernels/regression.ts.json', import.meta.url)),
    'utf8',
  ),
) as Record<string, Expected>;

/** Relative tolerance of the wasm and blas backends against the fixture, per entry, scaled by the largest entry. */
const TOLERANCE = 1e-12;

/**
 * Index of the first entry that differs, or −1: bits differ (Object.is: −0 ≠ 0) on the ts backend, more than
 * TOLERANCE·max|want| on the others.
 */
function firstDifference(got: ArrayLike<number>, want: readonly number[]): number {
  if (got.length !== want.length) return 0;
  let scale = 0;
  for (const w of want) scale = Math.max(scale, Math.abs(w));
  for (let i = 0; i < want.length; i++) {
    if (exact ? !Object.is(got[i], want[i]) : !(Math.abs(got[i] - want[i]) <= TOLERANCE * scale)) return i;
  }
  return -1;
}

for (const c of regressionCases()) {
  test(`kernelFn ${exact ? 'is bit-identical to' : 'agrees to 1e-12 with'} the fixture: ${c.name} (${backend})`, () => {
    const want = fixture[c.name];
    assert.ok(want !== undefined, `no fixture entry for ${c.name}`);
    const r = kernelFn(c.net, c.x1, c.x2, c.opts);
    for (const [name, got] of [
      ['nngp', r.nngp!.data],
      ['ntk', r.ntk!.data],
      ['var1', r.var1],
      ['var2', r.var2],
    ] as const) {
      const i = firstDifference(got, want[name]);
      assert.equal(i, -1, `${c.name} ${name}[${i}]: got ${got[i]}, fixture ${want[name][i]}`);
    }
  });
}
