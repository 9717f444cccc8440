import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../linalg/select.js';
import { kernelFn } from './kernelFn.js';
import { regressionCases } from './regressionCases.testutil.js';

/**
 * Kernels are bit-identical to the values the code wrote before a refactoring (test/fixtures/kernels/, written by
 * scripts/write-kernel-fixture.js), on the fused, general and spatial paths, per backend (the backends' GEMMs
 * for Σ⁰ round differently).
 */
interface Expected {
  nngp: number[];
  ntk: number[];
  var1: number[];
  var2: number[];
}

const backend = getBackend().name;
const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL(`../../../test/fixtures/kernels/regression.${backend}.json`, import.meta.url)),
    'utf8',
  ),
) as Record<string, Expected>;

/** Index of the first entry whose bits differ, or −1 (Object.is: −0 ≠ 0). */
function firstDifference(got: ArrayLike<number>, want: readonly number[]): number {
  if (got.length !== want.length) return 0;
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

for (const c of regressionCases()) {
  test(`kernelFn is bit-identical to the fixture: ${c.name} (${backend})`, () => {
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
