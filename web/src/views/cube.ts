import { ACTIVATIONS, denseModelJson } from '../compute/modelJson.js';
import { cubeSpec } from '../compute/specs.js';
import { linePlot, PALETTE } from '../plot/svg.js';
import { fmt, type ViewDef } from './types.js';

export const cubeView: ViewDef = {
  name: 'cube',
  title: 'Boolean cube: spectra by degree and depth',
  about:
    'On {±1}^d a dot-product kernel is diagonal in the parity functions; μ_k is the eigenvalue of each of the C(d, k) of degree k, ' +
    'and C(d, k)·μ_k / Σ C(d, i)·μᵢ the fraction of variance at degree k (Yang & Salman 2019, §4–5). Computed exactly (high-precision Φ, ' +
    'integer Krawtchouk sums), for every depth up to the maximum; the best depth per degree shows where depth helps.',
  controls: [
    { key: 'dim', label: 'dimension d', kind: 'number', min: 1, max: 512, step: 1, default: 32 },
    { key: 'get', label: 'kernel', kind: 'select', options: ['ntk', 'nngp'], default: 'ntk' },
    {
      key: 'act',
      label: 'activation',
      kind: 'select',
      options: ACTIVATIONS.filter((a) => a !== 'Gelu'),
      default: 'Relu',
    },
    { key: 'depth', label: 'depth (spectrum)', kind: 'number', min: 1, max: 32, step: 1, default: 3 },
    { key: 'maxDepth', label: 'depths 1 … ', kind: 'number', min: 1, max: 32, step: 1, default: 6 },
    { key: 'wstd', label: 'W_std', kind: 'number', min: 0.1, max: 4, step: 0.1, default: 1.4142135623730951 },
    { key: 'bstd', label: 'b_std', kind: 'number', min: 0, max: 2, step: 0.05, default: 0.1 },
  ],
  figures(r) {
    const d = r.scalars.d as number;
    const ks = Array.from({ length: d + 1 }, (_, k) => k);
    const T = r.arrays.fractionalVarianceByDepth;
    const L = T.shape[0];
    return [
      {
        id: 'eigenvalues',
        svg: () =>
          linePlot([{ name: 'μ_k', x: ks, y: r.arrays.eigenvalues.data, points: true }], {
            title: 'Eigenvalue per degree',
            xlabel: 'degree k',
            ylabel: 'μ_k',
            logy: true,
          }),
      },
      {
        id: 'fractional',
        svg: () =>
          linePlot(
            Array.from({ length: L }, (_, l) => ({
              name: `depth ${l + 1}`,
              x: ks,
              y: T.data.subarray(l * (d + 1), (l + 1) * (d + 1)),
              color: PALETTE[l % PALETTE.length],
            })),
            { title: 'Fractional variance by degree', xlabel: 'degree k', ylabel: 'FV_k', logy: true },
          ),
      },
      {
        id: 'bestDepth',
        svg: () =>
          linePlot([{ name: 'argmax depth', x: ks, y: r.arrays.bestDepth.data, points: true }], {
            title: 'Best depth per degree',
            xlabel: 'degree k',
            ylabel: 'depth',
          }),
      },
    ];
  },
  summary(r) {
    const fv = r.arrays.fractionalVariance.data;
    return [
      ['μ₀', fmt(r.arrays.eigenvalues.data[0])],
      ['μ₁', fmt(r.arrays.eigenvalues.data[1])],
      ['FV₀, FV₁, FV₂', [0, 1, 2].map((k) => fmt(fv[k])).join(', ')],
    ];
  },
  cli(p) {
    const model = JSON.stringify(denseModelJson(cubeSpec(p, p.depth as number)));
    return [
      `echo '${model}' > model.json`,
      `npx ntk spectrum cube --model model.json --dim ${p.dim} --get ${p.get} --out cube.json`,
    ].join('\n');
  },
};
