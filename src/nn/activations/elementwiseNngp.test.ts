import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DualMap } from '../kernelRecord.js';
import type { EntrywiseLayer } from '../entrywise.js';
import { Elementwise } from './elementwise.js';
import { Erf } from './erf.js';
import type { ScalarAlgebra } from './scalarAlgebra.js';

/**
 * Elementwise({nngp}) derives Σ̇ = ∂Σ'/∂s exactly (dual numbers over the user's map). Checked against Erf's
 * closed-form Σ̇ = (4/π)/√((1 + 2q1)(1 + 2q2) − 4s²) (Williams 1997), an independent formula, to 1e-12.
 */
const erfNngp = <T>(s: T, q1: T, q2: T, m: ScalarAlgebra<T>): T => {
  const one = m.c(1);
  const two = m.c(2);
  const prod = m.mul(m.add(one, m.mul(two, q1)), m.add(one, m.mul(two, q2)));
  return m.mul(m.c(2 / Math.PI), m.asin(m.div(m.mul(two, s), m.sqrt(prod))));
};

function dualOf(layer: EntrywiseLayer): DualMap {
  const pe = layer.entrywise.perEntry;
  assert.ok(pe !== undefined && 'dual' in pe);
  return pe.dual;
}

test("Elementwise({nngp}): the derived Σ̇ = ∂Σ'/∂s equals Erf's closed form to 1e-12", () => {
  const derived = dualOf(Elementwise({ nngp: erfNngp }));
  const closed = dualOf(Erf());
  const a = new Float64Array(2);
  const b = new Float64Array(2);
  for (const q1 of [0.2, 1, 3])
    for (const q2 of [0.5, 1, 2])
      for (const r of [-0.99, -0.4, 0, 0.5, 0.97]) {
        const s = r * Math.sqrt(q1 * q2);
        derived(s, q1, q2, a);
        closed(s, q1, q2, b);
        assert.ok(Math.abs(a[0] - b[0]) <= 1e-12 * Math.max(1, Math.abs(b[0])), `Σ' ${a[0]} vs ${b[0]}`);
        assert.ok(Math.abs(a[1] - b[1]) <= 1e-12 * Math.abs(b[1]), `Σ̇ ${a[1]} vs ${b[1]}`);
      }
});

test('Elementwise({nngp}): dnngp is used when given; a map that ignores the algebra, and finite rules without fn, are refused', () => {
  const out = new Float64Array(2);
  dualOf(Elementwise({ nngp: erfNngp, dnngp: () => 42 }))(0.1, 1, 1, out);
  assert.equal(out[1], 42);
  const bad = Elementwise({ nngp: ((s: number) => Math.sin(s)) as never });
  assert.throws(() => dualOf(bad)(0.1, 1, 1, out), /algebra m/);
  assert.throws(
    () => Elementwise({ nngp: erfNngp }).forward({}, { shape: [1, 1], data: new Float64Array(1) }),
    /no finite-width/,
  );
});
