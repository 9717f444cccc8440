import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRNGKey, normal } from '../random/index.js';
import {
  AvgPool,
  Conv,
  Dense,
  Erf,
  Flatten,
  GlobalAvgPool,
  GlobalSumPool,
  LayerNorm,
  Relu,
  SumPool,
  serial,
} from '../nn/index.js';
import type { Layer, Tensor } from '../nn/types.js';
import type { Matrix } from '../linalg/matrix.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { monteCarloKernel } from './monteCarlo.js';

/**
 * The analytic NNGP and NTK of networks with the pooling options (AvgPool normalize_edges / SAME / CIRCULAR /
 * strides, SumPool, GlobalSumPool) and LayerNorm (both axes, dense and image inputs) against the Monte Carlo
 * average over seeded initializations of finite networks (Novak et al. 2019, §3) with 256 hidden channels.
 * NTK: 32 samples of the scalar-output network. NNGP: 128 samples of the network with a 128-unit readout (the
 * infinite-width kernel does not depend on the readout width; a scalar output's NNGP estimate fluctuates by
 * ≈ 1/√S ≈ 18% at S = 32, the 128 outputs bring it to ≈ 2%). Tolerance: relative Frobenius error ≤ 5%.
 */
const WIDTH = 256;
const NTK_SAMPLES = 32;
const NNGP_SAMPLES = 128;
const NNGP_READOUT = 128;

const rel = (a: Matrix, b: Matrix): number => {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    d += (a.data[i] - b.data[i]) ** 2;
    n += b.data[i] ** 2;
  }
  return Math.sqrt(d / n);
};

const conv = (w: number): Layer =>
  Conv({ channels: w, filter: [3, 3], padding: 'SAME', W_std: 1.5, b_std: 0.1 });
const readout = (out: number): Layer => Dense({ width: out, W_std: 1.5, b_std: 0.1 });

/** `near`: a neighbouring option whose kernel the estimate must NOT match (> 10% away), so the test can tell them apart. */
const cases: {
  name: string;
  shape: number[];
  net: (width: number, out: number) => Layer;
  near?: (width: number, out: number) => Layer;
  /** Input scale per spatial position p (default 1). */
  scale?: (p: number) => number;
}[] = [
  {
    name: 'AvgPool 3×3 stride 1 SAME normalize_edges → Flatten, 4×4×1',
    shape: [3, 4, 4, 1],
    net: (w, o) =>
      serial(
        conv(w),
        Relu(),
        AvgPool({ window: [3, 3], strides: [1, 1], padding: 'SAME', normalize_edges: true }),
        Flatten(),
        readout(o),
      ),
    near: (w, o) =>
      serial(
        conv(w),
        Relu(),
        AvgPool({ window: [3, 3], strides: [1, 1], padding: 'SAME' }),
        Flatten(),
        readout(o),
      ),
  },
  {
    name: 'AvgPool 3×3 stride 2 CIRCULAR → Flatten, 5×5×1',
    shape: [3, 5, 5, 1],
    net: (w, o) =>
      serial(
        conv(w),
        Relu(),
        AvgPool({ window: [3, 3], strides: [2, 2], padding: 'CIRCULAR' }),
        Flatten(),
        readout(o),
      ),
  },
  {
    name: 'AvgPool 3×2 strides 2×1 SAME (padding zeros counted) → GlobalAvgPool, 5×4×2',
    shape: [3, 5, 4, 2],
    net: (w, o) =>
      serial(
        conv(w),
        Relu(),
        AvgPool({ window: [3, 2], strides: [2, 1], padding: 'SAME' }),
        GlobalAvgPool(),
        readout(o),
      ),
  },
  {
    name: 'SumPool 2×2 stride 1 SAME → Flatten, 4×4×1',
    shape: [3, 4, 4, 1],
    net: (w, o) =>
      serial(
        conv(w),
        Relu(),
        SumPool({ window: [2, 2], strides: [1, 1], padding: 'SAME' }),
        Flatten(),
        readout(o),
      ),
  },
  {
    name: 'GlobalSumPool → Dense, 4×4×1',
    shape: [3, 4, 4, 1],
    net: (w, o) => serial(conv(w), Relu(), GlobalSumPool(), readout(o)),
  },
  {
    name: 'LayerNorm (features) on dense inputs: Dense → LayerNorm → Relu → Dense, d = 5',
    shape: [4, 5],
    net: (w, o) => serial(Dense({ width: w, W_std: 1.5, b_std: 0.3 }), LayerNorm(), Relu(), readout(o)),
  },
  {
    name: 'LayerNorm (all) on dense inputs, two hidden layers, d = 5',
    shape: [4, 5],
    net: (w, o) =>
      serial(
        Dense({ width: w, W_std: 1.5, b_std: 0.3 }),
        LayerNorm({ axis: 'all' }),
        Relu(),
        Dense({ width: w, W_std: 1.5, b_std: 0.3 }),
        LayerNorm({ axis: 'all' }),
        Relu(),
        readout(o),
      ),
  },
  {
    name: 'LayerNorm (features, per position) on images: Conv → LayerNorm → Relu → GlobalAvgPool, 4×4×1',
    shape: [3, 4, 4, 1],
    net: (w, o) => serial(conv(w), LayerNorm(), Relu(), GlobalAvgPool(), readout(o)),
  },
  {
    name: 'LayerNorm (all) on images: Conv → LayerNorm → Erf → Flatten, 4×4×1',
    shape: [3, 4, 4, 1],
    net: (w, o) => serial(conv(w), LayerNorm({ axis: 'all' }), Erf(), Flatten(), readout(o)),
    near: (w, o) => serial(conv(w), LayerNorm(), Erf(), Flatten(), readout(o)),
    // positions of unequal scale and a saturating Erf (not homogeneous like Relu), so per-position and
    // whole-example normalization give different kernels
    scale: (p) => 0.25 + p / 4,
  },
];

for (const c of cases) {
  test(`NNGP/NTK vs Monte Carlo of width-${WIDTH} networks: ${c.name}`, (t) => {
    const C = c.shape[c.shape.length - 1];
    const P = c.shape.slice(1, -1).reduce((a, b) => a * b, 1);
    const scale = c.scale ?? ((): number => 1);
    const x: Tensor = {
      shape: c.shape,
      data: normal(
        PRNGKey(1),
        c.shape.reduce((a, b) => a * b, 1),
      ).map((v, i) => v * scale(Math.floor(i / C) % P)),
    };
    const exact = kernelFn(c.net(1, 1), x);
    const mcNtk = monteCarloKernel(c.net(WIDTH, 1), x, null, {
      samples: NTK_SAMPLES,
      key: PRNGKey(7),
      get: 'ntk',
    }).ntk!;
    const mcNngp = monteCarloKernel(c.net(WIDTH, NNGP_READOUT), x, null, {
      samples: NNGP_SAMPLES,
      key: PRNGKey(8),
      get: 'nngp',
    }).nngp!;
    const eNtk = rel(mcNtk, exact.ntk!);
    const eNngp = rel(mcNngp, exact.nngp!);
    t.diagnostic(`relative Frobenius error: NNGP ${eNngp.toFixed(4)}, NTK ${eNtk.toFixed(4)}`);
    assert.ok(eNngp <= 0.05, `NNGP error ${eNngp.toFixed(4)} > 5%`);
    assert.ok(eNtk <= 0.05, `NTK error ${eNtk.toFixed(4)} > 5%`);
    if (c.near) {
      const other = kernelFn(c.near(1, 1), x);
      const dNtk = rel(mcNtk, other.ntk!);
      const dNngp = rel(mcNngp, other.nngp!);
      t.diagnostic(`distance to the neighbouring option: NNGP ${dNngp.toFixed(4)}, NTK ${dNtk.toFixed(4)}`);
      assert.ok(dNngp > 0.1 && dNtk > 0.1, `the estimate does not tell the option from its neighbour`);
    }
  });
}
