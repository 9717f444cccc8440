import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { Identity } from '../nn/identity.js';
import { serial } from '../nn/combinators/serial.js';
import { parallel } from '../nn/combinators/parallel.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { FanInSum } from '../nn/combinators/fanIn.js';
import { flattenParams } from '../nn/params.js';
import { PRNGKey } from '../random/index.js';
import { outerProductRule } from './outerProductRule.js';
import { paramLeaves, totalParams } from './paramLeaves.js';

const net = serial(
  Dense({ width: 4, W_std: 1.5, b_std: 0.3 }),
  FanOut(2),
  parallel(serial(Relu(), Dense({ width: 4, W_std: 2, b_std: null, parameterization: 'ntk' })), Identity()),
  FanInSum(),
  Dense({ width: 2, W_std: 0.7, b_std: 0.2, parameterization: 'standard' }),
);

test('paramLeaves: depth-first leaves whose offsets are the positions in flattenParams', () => {
  const params = net.init(PRNGKey(1), [3]);
  const leaves = paramLeaves(net, params);
  assert.equal(leaves.length, 3);
  const theta = flattenParams(params);
  assert.equal(totalParams(leaves), theta.length);
  for (const l of leaves) {
    let o = l.offset;
    for (const t of Object.values(l.params)) {
      assert.deepEqual(theta.subarray(o, o + t.data.length), t.data);
      o += t.data.length;
    }
    assert.equal(o, l.offset + l.count);
  }
  assert.deepEqual(
    leaves.map((l) => [l.offset, l.count]),
    [
      [0, 16],
      [16, 16],
      [32, 10],
    ],
  );
});

test('outerProductRule reads c_W and c_b off the layer: W_std/√n_in and b_std (ntk), 1 and 1 (standard), 0 without bias', () => {
  const leaves = paramLeaves(net, net.init(PRNGKey(2), [3]));
  const rules = leaves.map(outerProductRule);
  assert.ok(Math.abs(rules[0]!.cW - 1.5 / Math.sqrt(3)) <= 1e-15);
  assert.ok(Math.abs(rules[0]!.cb - 0.3) <= 1e-15);
  assert.ok(Math.abs(rules[1]!.cW - 2 / 2) <= 1e-15);
  assert.equal(rules[1]!.cb, 0);
  assert.equal(rules[2]!.cW, 1);
  assert.equal(rules[2]!.cb, 1);
  assert.deepEqual([rules[2]!.nIn, rules[2]!.nOut], [4, 2]);
});

test('paramLeaves: a parameter tree of the wrong structure is refused with its path', () => {
  const params = net.init(PRNGKey(1), [3]) as unknown as unknown[];
  assert.throws(
    () => paramLeaves(net, params.slice(0, 4) as never),
    /params: expected a list of 5 child parameter trees for the serial layer, got a list of 4/,
  );
  const broken = [...params];
  broken[2] = [{}, {}];
  assert.throws(
    () => paramLeaves(net, broken as never),
    /params\[2\]\[0\]: expected a list of 2 child parameter trees for the serial layer, got a record/,
  );
});
