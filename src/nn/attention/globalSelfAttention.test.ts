import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Dense, GlobalAvgPool, Relu, serial } from '../index.js';
import type { Layer, Tensor } from '../types.js';
import { checkGradients, checkMonteCarlo, randTensor } from './layerChecks.testutil.js';
import { GlobalSelfAttention } from './globalSelfAttention.js';
import { planAttentionMemory } from './attentionMemory.js';
import type { GlobalSelfAttentionOptions } from './options.js';

/**
 * GlobalSelfAttention (linear scaling): finite rules against central differences; the analytic NNGP/NTK (Hron et
 * al. 2020, §3) against Monte Carlo of finite networks; constant logits against average pooling.
 */

type Extra = Partial<GlobalSelfAttentionOptions>;
const attn = (w: number, heads: number, extra: Extra = {}) =>
  GlobalSelfAttention({
    n_chan_out: w,
    n_chan_key: w,
    n_chan_val: w,
    n_heads: heads,
    W_key_std: 1.1,
    W_query_std: 0.9,
    W_value_std: 1.2,
    W_out_std: 1.1,
    b_std: 0.2,
    ...extra,
  });
const D = (w: number) => Dense({ width: w, W_std: 1.3, b_std: 0.2 });
const net = (w: number, readout: number, extra: Extra = {}): Layer =>
  serial(D(w), attn(w, 2, extra), Relu(), GlobalAvgPool(), D(readout));

for (const pos of ['NONE', 'SUM'] as const) {
  test(`GlobalSelfAttention (pos_emb_type ${pos}): VJP and JVP agree with central differences`, () => {
    checkGradients(serial(attn(3, 2, { pos_emb_type: pos }), Relu(), D(2)), randTensor(1, [3, 4, 2]), 2);
    checkGradients(
      serial(D(3), attn(4, 1, { pos_emb_type: pos }), GlobalAvgPool()),
      randTensor(3, [2, 3, 2]),
      4,
    );
  });

  // measured (seed 7, NONE): 32 draws 7.1% NNGP / 4.8% NTK, 128 draws 1.9% / 2.2%, width 512 × 32 draws 0.9% / 0.6%
  // — sampling noise, not bias; so 128 draws (≈ 12 s per case on a loaded 2-core machine)
  test(`GlobalSelfAttention (pos_emb_type ${pos}): NNGP/NTK vs Monte Carlo (width 256, 128 samples)`, (t) => {
    const x = randTensor(5, [4, 3, 2]);
    const err = checkMonteCarlo(net(1, 1, { pos_emb_type: pos }), net(256, 256, { pos_emb_type: pos }), x, {
      wideNtk: net(256, 1, { pos_emb_type: pos }),
      samples: 128,
    });
    t.diagnostic(`relative Frobenius errors: NNGP ${err.nngp.toFixed(4)}, NTK ${err.ntk.toFixed(4)}`);
  });
}

test('GlobalSelfAttention with constant logits (W_key_std = 0) = average pooling, then the value and output maps', () => {
  const x = randTensor(6, [3, 4, 2]);
  const viaAttention = kernelFn(serial(D(3), attn(3, 2, { W_key_std: 0 }), GlobalAvgPool(), D(1)), x);
  // G = 1/P everywhere: y(p) = s·mean_q(x(q))·W_V·W_out/√(…) + b at every position
  const viaPooling = kernelFn(
    serial(
      D(3),
      GlobalAvgPool(),
      Dense({ width: 3, W_std: 1.2, b_std: null }),
      Dense({ width: 3, W_std: 1.1, b_std: 0.2 }),
      D(1),
    ),
    x,
  );
  for (const k of ['nngp', 'ntk'] as const)
    viaPooling[k].data.forEach((v, i) =>
      assert.ok(
        Math.abs(viaAttention[k].data[i] - v) <= 1e-12 * Math.abs(v),
        `${k}[${i}]: ${viaAttention[k].data[i]} vs ${v}`,
      ),
    );
});

test('GlobalSelfAttention: kernelFn(x1, x2) equals the cross block of the kernel of both batches', () => {
  const x: Tensor = randTensor(7, [5, 3, 2]);
  const per = 3 * 2;
  const x1: Tensor = { shape: [2, 3, 2], data: x.data.slice(0, 2 * per) };
  const x2: Tensor = { shape: [3, 3, 2], data: x.data.slice(2 * per) };
  const all = kernelFn(net(1, 1, { pos_emb_type: 'SUM' }), x);
  const cross = kernelFn(net(1, 1, { pos_emb_type: 'SUM' }), x1, x2);
  for (const k of ['nngp', 'ntk'] as const)
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++) {
        const a = all[k].get(i, 2 + j);
        assert.ok(Math.abs(cross[k].get(i, j) - a) <= 1e-12 * Math.abs(a), `${k}(${i}, ${j})`);
      }
});

test('GlobalSelfAttention refuses linear_scaling: false and unknown embeddings, naming the option', () => {
  assert.throws(
    () =>
      GlobalSelfAttention({ n_chan_out: 2, n_chan_key: 2, n_chan_val: 2, n_heads: 1, linear_scaling: false }),
    /linear_scaling: false .* no closed-form kernel/,
  );
  assert.throws(
    () =>
      GlobalSelfAttention({
        n_chan_out: 2,
        n_chan_key: 2,
        n_chan_val: 2,
        n_heads: 1,
        pos_emb_type: 'CONCAT' as 'SUM',
      }),
    /pos_emb_type must be 'NONE' or 'SUM'/,
  );
  assert.throws(
    () => GlobalSelfAttention({ n_chan_out: 0, n_chan_key: 2, n_chan_val: 2, n_heads: 1 }),
    /n_chan_out/,
  );
});

test('GlobalSelfAttention: a kernel record over the memory limit is refused with its size and what fits', () => {
  const before = process.env.NTK_MEMORY_LIMIT;
  process.env.NTK_MEMORY_LIMIT = '1M';
  try {
    // one input at 256 positions: 256² entries per array (NNGP, NTK) + the attention matrix = 1.5 MiB
    const x = randTensor(8, [1, 256, 2]);
    // kernelFn's spatial plan (src/kernels/kernelMemory.ts) refuses first: all 256² position pairs per record
    assert.throws(
      () => kernelFn(serial(attn(2, 1), GlobalAvgPool(), D(1)), x),
      (e: Error) =>
        e.name === 'NtkMemoryError' &&
        /needs [\d.]+ MiB .*all 256² position pairs.*above the memory limit of 1\.0 MiB.*at most \d+ positions fit/.test(
          e.message,
        ),
    );
    // the layer's own plan (its kernel map on a record built outside kernelFn's planner)
    assert.throws(
      () => planAttentionMemory(1, 256, true),
      (e: Error) =>
        e.name === 'NtkMemoryError' &&
        /1 inputs at 256 positions needs 1\.5 MiB .* limit is 1\.0 MiB; at 256 positions 0 inputs per record fit, and a pair of inputs fits up to 114 positions/.test(
          e.message,
        ),
    );
  } finally {
    if (before === undefined) delete process.env.NTK_MEMORY_LIMIT;
    else process.env.NTK_MEMORY_LIMIT = before;
  }
});
