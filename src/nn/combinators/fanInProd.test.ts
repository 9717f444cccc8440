import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/kernelFn.js';
import { checkGradients, checkMonteCarlo, randTensor } from '../attention/layerChecks.testutil.js';
import { Conv, Dense, Erf, FanOut, GlobalAvgPool, Relu, parallel, serial } from '../index.js';
import { FanInProd } from './fanInProd.js';

/** FanInProd: finite rules against central differences, the kernel against Monte Carlo and against one branch. */

const D = (width: number) => Dense({ width, W_std: 1.2, b_std: 0.3 });
const prodNet = (w: number) =>
  serial(FanOut(2), parallel(serial(D(w), Relu(), D(w)), serial(D(w), Erf(), D(w))), FanInProd(), D(w));

test('FanInProd: VJP and JVP agree with central differences (two and three branches)', () => {
  checkGradients(prodNet(5), randTensor(1, [4, 3]), 2);
  const three = serial(D(4), FanOut(3), parallel(D(3), serial(Relu(), D(3)), D(3)), FanInProd(), D(2));
  checkGradients(three, randTensor(3, [3, 2]), 4);
});

test('FanInProd of one branch is the branch (forward, NNGP and NTK)', () => {
  const branch = () => serial(D(4), Relu(), D(3));
  const x = randTensor(5, [4, 3]);
  const a = kernelFn(serial(branch(), D(1)), x);
  const b = kernelFn(serial(FanOut(1), parallel(branch()), FanInProd(), D(1)), x);
  assert.deepEqual([...b.nngp.data], [...a.nngp.data]);
  assert.deepEqual([...b.ntk.data], [...a.ntk.data]);
});

test('FanInProd: NNGP = Π Σ_b and NTK = Σ_b Θ_b·Π_{c≠b} Σ_c vs Monte Carlo (width 256, 128 samples)', (t) => {
  // the product of branch outputs fluctuates more per draw than a Dense output: 128 draws (≈ 1.5 s)
  const err = checkMonteCarlo(prodNet(1), prodNet(256), randTensor(6, [5, 3]), { samples: 128 });
  t.diagnostic(`relative Frobenius errors: NNGP ${err.nngp.toFixed(4)}, NTK ${err.ntk.toFixed(4)}`);
});

test('FanInProd on the all-pairs spatial layout (before GlobalAvgPool) vs Monte Carlo', (t) => {
  const C = (c: number) => Conv({ channels: c, filter: [2], padding: 'SAME', W_std: 1.3, b_std: 0.2 });
  const net = (c: number) =>
    serial(FanOut(2), parallel(serial(C(c), Relu(), C(c)), C(c)), FanInProd(), GlobalAvgPool(), D(c));
  const err = checkMonteCarlo(net(1), net(256), randTensor(7, [3, 4, 2]));
  t.diagnostic(`relative Frobenius errors: NNGP ${err.nngp.toFixed(4)}, NTK ${err.ntk.toFixed(4)}`);
});
