import { PRNGKey } from '../random/keys.js';
import { normal } from '../random/normal.js';
import { Abs, ABRelu, LeakyRelu, Relu } from '../nn/activations/abRelu.js';
import { Elementwise } from '../nn/activations/elementwise.js';
import { Erf } from '../nn/activations/erf.js';
import { Gelu } from '../nn/activations/gelu.js';
import { Cos, Rbf, Sin } from '../nn/activations/sin.js';
import { FanInConcat, FanInSum } from '../nn/combinators/fanIn.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { parallel } from '../nn/combinators/parallel.js';
import { serial } from '../nn/combinators/serial.js';
import { AvgPool } from '../nn/conv/avgPool.js';
import { Conv } from '../nn/conv/conv.js';
import { Flatten } from '../nn/conv/flatten.js';
import { GlobalAvgPool } from '../nn/conv/globalAvgPool.js';
import { Dense } from '../nn/dense.js';
import { Identity } from '../nn/identity.js';
import type { Layer, Tensor } from '../nn/types.js';
import type { KernelFnOptions } from './kernelFn.js';

/**
 * The architectures of the kernel regression fixture (test/fixtures/kernels/): kernels on the fused, general
 * (fan-out / fan-in) and spatial (conv + pool / flatten) paths, written once by
 * scripts/write-kernel-fixture.js and compared bit for bit by regression.test.ts. Inputs are seeded normals
 * with no two rows equal.
 */
export interface RegressionCase {
  readonly name: string;
  readonly net: Layer;
  readonly x1: Tensor;
  readonly x2: Tensor | null;
  readonly opts: KernelFnOptions;
}

function input(seed: number, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, data: normal(PRNGKey(seed), n) };
}

const D = (width: number, W_std = 1.4, b_std: number | null = 0.3) => Dense({ width, W_std, b_std });
const Ds = (width: number) => Dense({ width, W_std: 1.3, b_std: 0.2, parameterization: 'standard' });

export function regressionCases(): RegressionCase[] {
  const x = input(1, [9, 5]);
  const y = input(2, [6, 5]);
  const img = input(3, [4, 4, 4, 2]);
  const img2 = input(4, [3, 4, 4, 2]);
  const seq = input(5, [4, 6, 3]);
  const opts: KernelFnOptions = { tileSize: 4, threads: 1 };
  const fused: [string, () => Layer][] = [
    ['relu-depth5', () => serial(D(8), Relu(), D(8), Relu(), D(8), Relu(), D(8), Relu(), D(1))],
    ['relu-nobias', () => serial(D(8, 2 ** 0.5, null), Relu(), D(1, 1, null))],
    ['abrelu', () => serial(D(8), ABRelu({ a: -0.4, b: 1.2 }), D(8), ABRelu({ a: 0.3, b: 0.7 }), D(1))],
    ['leaky-abs', () => serial(D(8), LeakyRelu({ alpha: 0.1 }), D(8), Abs(), D(1))],
    ['erf', () => serial(D(8), Erf(), D(8), Erf({ a: 1.3, b: 0.6, c: 0.2 }), D(1))],
    ['gelu', () => serial(D(8), Gelu(), D(8), Gelu(), D(1))],
    [
      'sin-cos-rbf',
      () => serial(D(8), Sin({ a: 1.1, b: 0.8, c: 0.3 }), D(8), Cos(), D(8), Rbf({ gamma: 0.4 }), D(1)),
    ],
    ['elementwise', () => serial(D(8), Elementwise({ fn: 'tanh' }), D(8), Elementwise({ fn: 'relu' }), D(1))],
    [
      'standard',
      () => serial(Ds(8), Relu(), Ds(8), Erf(), Dense({ width: 1, parameterization: 'standard' })),
    ],
    ['identity-nested', () => serial(D(8), serial(Identity(), Relu()), serial(D(8), Relu()), D(1))],
    ['mixed-relu-erf', () => serial(D(8), Relu(), D(8), Erf(), D(8), Relu(), D(1))],
  ];
  const general: [string, () => Layer][] = [
    [
      'residual',
      () =>
        serial(
          D(8),
          FanOut(2),
          parallel(serial(Relu(), D(8), Relu(), D(8)), Identity()),
          FanInSum(),
          Relu(),
          D(1),
        ),
    ],
    [
      'concat',
      () =>
        serial(
          D(8),
          FanOut(2),
          parallel(serial(Relu(), D(4)), serial(Erf(), D(3))),
          FanInConcat(),
          Relu(),
          D(1),
        ),
    ],
  ];
  const spatial: [string, () => Layer, Tensor, Tensor][] = [
    [
      'conv-flatten',
      () =>
        serial(
          Conv({ channels: 6, filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 }),
          Relu(),
          Flatten(),
          D(1),
        ),
      img,
      img2,
    ],
    [
      'conv-avgpool-gap',
      () =>
        serial(
          Conv({ channels: 6, filter: [2, 2], padding: 'VALID', W_std: 1.4, b_std: 0.1 }),
          Relu(),
          AvgPool({ window: [2, 2], strides: [1, 1] }),
          Conv({ channels: 6, filter: [2, 2], padding: 'SAME' }),
          Erf(),
          GlobalAvgPool(),
          D(1),
        ),
      img,
      img2,
    ],
    [
      'conv1d-pool-then-relu',
      () =>
        serial(
          Conv({ channels: 5, filter: [3], padding: 'CIRCULAR', W_std: 1.4 }),
          Relu(),
          AvgPool({ window: [2] }),
          Conv({ channels: 5, filter: [2] }),
          Relu(),
          Flatten(),
          D(1),
        ),
      seq,
      input(6, [3, 6, 3]),
    ],
  ];
  const out: RegressionCase[] = [];
  for (const [name, make] of [...fused, ...general]) {
    out.push({ name: `${name}/sym`, net: make(), x1: x, x2: null, opts });
    out.push({ name: `${name}/cross`, net: make(), x1: x, x2: y, opts });
  }
  for (const [name, make, a, b] of spatial) {
    out.push({ name: `${name}/sym`, net: make(), x1: a, x2: null, opts: { tileSize: 3, threads: 1 } });
    out.push({ name: `${name}/cross`, net: make(), x1: a, x2: b, opts: { tileSize: 3, threads: 1 } });
  }
  return out;
}
