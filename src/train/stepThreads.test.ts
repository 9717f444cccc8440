import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableCores } from '../kernels/threads.js';
import { Relu, LeakyRelu, ABRelu } from '../nn/activations/abRelu.js';
import { isActivationLayer } from '../nn/activation.js';
import { slopeFromOutput } from '../nn/slopeFromOutput.js';
import { PRNGKey, normal } from '../random/index.js';
import { activateRows, backwardRows, splitRow, StepThreads } from './stepThreads.js';

const relu = slopeFromOutput(0, 1)!;

/** Pre-activations with the entries where a rectifier's loops can go wrong: ±0, NaN, ±∞, tiny and huge values. */
function awkward(n: number, seed: number): Float64Array {
  const z = normal(PRNGKey(seed), n);
  const special = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1e300, -1e300];
  for (let i = 0; i < special.length && i < n; i++) z[7 * i] = special[i];
  return z;
}

function sameBits(actual: Float64Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++)
    assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]}, expected ${expected[i]}`);
}

test('slopeFromOutput: only Relu (a = 0, b = 1) reads its slope off its output', () => {
  assert.notEqual(slopeFromOutput(0, 1), null);
  assert.equal(slopeFromOutput(0.1, 1), null, 'LeakyRelu keeps φ′(z)');
  assert.equal(slopeFromOutput(-1, 1), null, 'Abs keeps φ′(z)');
  assert.equal(slopeFromOutput(0, 2), null);
  const layers = [Relu(), LeakyRelu({ alpha: 0.1 }), ABRelu({ a: -1, b: 1 })].map((l) => {
    assert.ok(isActivationLayer(l));
    return l;
  });
  assert.ok(layers[0].slopeFromOutput, 'the Relu layer carries the loops');
  assert.equal(layers[1].slopeFromOutput, undefined);
  assert.equal(layers[2].slopeFromOutput, undefined);
});

test("slopeFromOutput (Relu): φ(z + β) and gy·φ′(z) give the layer's own activate numbers, bit for bit", () => {
  const layer = Relu();
  assert.ok(isActivationLayer(layer));
  const rows = 11; // not a multiple of the backward's 4-row unroll
  const width = 13;
  const n = rows * width;
  const z = awkward(n, 1);
  const bias = normal(PRNGKey(2), width);
  bias[3] = -0;
  // the layer's route: v = z + β, then a = φ(v) and d = φ′(v)
  const v = z.map((zi, i) => zi + bias[i % width]);
  const aRef = new Float64Array(n);
  const dRef = new Float64Array(n);
  layer.activate(v.slice(), aRef, dRef, n);
  const a = z.slice();
  relu.activateBiased(a, 0, rows, width, bias);
  sameBits(a, aRef, 'φ(z + β)');
  const a0 = z.slice();
  const a0Ref = new Float64Array(n);
  layer.activate(z.slice(), a0Ref, new Float64Array(n), n);
  relu.activateBiased(a0, 0, rows, width, null);
  sameBits(a0, a0Ref, 'φ(z), no bias');

  const gy = awkward(n, 3);
  const cb = 0.7;
  const gz = new Float64Array(n);
  const gb = new Float64Array(width);
  relu.backward(gy, a, gz, 0, rows, width, cb, gb);
  const gzRef = gy.map((g, i) => g * dRef[i]);
  sameBits(gz, gzRef, 'gy·φ′(z)');
  // the bias gradient: c_b·Σ_r gz_rj, summed over the rows in order
  const gbRef = new Float64Array(width);
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) gbRef[j] += cb * gzRef[r * width + j];
  sameBits(gb, gbRef, 'c_b·Σ_r gz');
  // in place (gz = gy) and without a bias gradient
  const inPlace = gy.slice();
  relu.backward(inPlace, a, inPlace, 0, rows, width, cb, null);
  sameBits(inPlace, gzRef, 'gy·φ′(z) in place');
});

test('splitRow: whole below 2^16 entries, else at a multiple of 4 near the middle', () => {
  assert.equal(splitRow(100, 256), 100); // 25600 entries
  assert.equal(splitRow(7, 1 << 20), 7); // too few rows
  assert.equal(splitRow(2048, 256), 1024);
  assert.equal(splitRow(404, 256), 200);
  for (let rows = 8; rows < 300; rows += 7) {
    const h = splitRow(rows, 1 << 16);
    assert.ok(h % 4 === 0 && h > 0 && h < rows && Math.abs(rows - 2 * h) < 8, `rows ${rows}: h = ${h}`);
  }
});

test('activateRows and backwardRows: the same numbers on one thread and two, and those of one sweep', () => {
  const threads = StepThreads.get();
  if (availableCores() >= 2) assert.ok(threads, 'a second core gives a worker thread');
  const rows = 404;
  const width = 256;
  const n = rows * width;
  assert.ok(splitRow(rows, width) < rows, 'the block is split');
  const shared = (src: Float64Array): Float64Array => {
    if (threads === null) return src.slice();
    const s = threads.alloc(src.length);
    s.set(src);
    return s;
  };
  const z = awkward(n, 5);
  const bias = normal(PRNGKey(6), width);
  const gy = awkward(n, 7);
  const cb = 0.35;

  const a2 = shared(z);
  const bias2 = shared(bias);
  if (threads) assert.ok(threads.sees(a2, bias2), 'the worker sees the shared arrays');
  activateRows(threads, relu, a2, rows, width, bias2);
  const a1 = z.slice();
  activateRows(null, relu, a1, rows, width, bias);
  const aRef = z.slice();
  relu.activateBiased(aRef, 0, rows, width, bias);
  sameBits(a2, aRef, 'activate, two threads');
  sameBits(a1, aRef, 'activate, one thread');

  const gz2 = shared(new Float64Array(n));
  const gb2 = new Float64Array(width).fill(0.25);
  backwardRows(threads, relu, shared(gy), a2, gz2, rows, width, cb, gb2, shared(new Float64Array(width)));
  const gz1 = new Float64Array(n);
  const gb1 = new Float64Array(width).fill(0.25);
  backwardRows(null, relu, gy, a1, gz1, rows, width, cb, gb1, new Float64Array(width));
  sameBits(gz2, gz1, 'gz, two threads against one');
  sameBits(gb2, gb1, 'bias gradient, two threads against one');
  // against one sweep over all rows: gz bit for bit, the bias gradient (summed in two halves) to rounding
  const gzRef = new Float64Array(n);
  const gbRef = new Float64Array(width).fill(0.25);
  relu.backward(gy, aRef, gzRef, 0, rows, width, cb, gbRef);
  sameBits(gz1, gzRef, 'gz against one sweep');
  for (let j = 0; j < width; j++) {
    if (!Number.isFinite(gbRef[j]))
      assert.ok(Object.is(gb1[j], gbRef[j]), `gb[${j}]: ${gb1[j]} vs ${gbRef[j]}`);
    else
      assert.ok(
        Math.abs(gb1[j] - gbRef[j]) <= 1e-12 * Math.max(Math.abs(gbRef[j]), 1),
        `gb[${j}]: ${gb1[j]} vs ${gbRef[j]}`,
      );
  }
});
