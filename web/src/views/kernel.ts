import { ACTIVATIONS, denseModelJson } from '../compute/modelJson.js';
import { kernelSpec } from '../compute/specs.js';
import { heatmap, linePlot, PALETTE } from '../plot/svg.js';
import { fmt, type ViewDef } from './types.js';

export const kernelView: ViewDef = {
  name: 'kernel',
  title: 'Kernel: NNGP and NTK of a dense network',
  about:
    'The infinite-width NNGP Σ and NTK Θ (Jacot et al. 2018, Thm 1; neural-tangents conventions) of a dense net, or of a 1-D conv net ' +
    '(the CNTK; each point p becomes the signal p₀cos(2πt/16) + p₁sin(2πt/16)), on points of the circle, a grid or a .npy file, ' +
    'the eigenvalues and top eigenvectors of Θ, and the relative error ‖Θ_w − Θ‖_F/‖Θ‖_F of the empirical NTK of one sampled ' +
    'network of width w, which falls like w^(−1/2) (Arora et al. 2019, Thm 3.1).',
  controls: [
    {
      key: 'inputs',
      label: 'inputs',
      kind: 'select',
      options: ['circle', 'grid', 'file'],
      default: 'circle',
    },
    { key: 'n', label: 'N points', kind: 'number', min: 4, max: 2000, step: 1, default: 64 },
    { key: 'arch', label: 'architecture', kind: 'select', options: ['dense', 'conv'], default: 'dense' },
    { key: 'act', label: 'activation', kind: 'select', options: ACTIVATIONS, default: 'Relu' },
    { key: 'depth', label: 'depth', kind: 'number', min: 1, max: 20, step: 1, default: 3 },
    { key: 'wstd', label: 'W_std', kind: 'number', min: 0.1, max: 4, step: 0.1, default: 1.5 },
    { key: 'bstd', label: 'b_std', kind: 'number', min: 0, max: 2, step: 0.05, default: 0.1 },
    { key: 'param', label: 'parameterization', kind: 'select', options: ['ntk', 'standard'], default: 'ntk' },
    {
      key: 'empirical',
      label: 'empirical NTK (1 = on)',
      kind: 'number',
      min: 0,
      max: 1,
      step: 1,
      default: 1,
    },
    {
      key: 'width',
      label: 'max width',
      kind: 'number',
      min: 16,
      max: 4096,
      step: 16,
      default: 512,
      slider: true,
    },
    { key: 'seed', label: 'seed', kind: 'number', min: 0, max: 1e9, step: 1, default: 0 },
  ],
  figures(r) {
    const n = r.scalars.n as number;
    const ev = r.arrays.eigenvalues.data;
    const idx = Array.from(ev, (_, i) => i + 1);
    const V = r.arrays.eigenvectors;
    const k = V.shape[1];
    const rows = Array.from({ length: n }, (_, i) => i);
    const figs = [
      { id: 'ntk', svg: () => heatmap(r.arrays.ntk.data, n, 'NTK Θ(x, x′)') },
      { id: 'nngp', svg: () => heatmap(r.arrays.nngp.data, n, 'NNGP Σ(x, x′)') },
      {
        id: 'eigenvalues',
        svg: () =>
          linePlot([{ name: 'λᵢ(Θ)', x: idx, y: ev, points: true }], {
            title: 'NTK eigenvalues',
            xlabel: 'index i',
            ylabel: 'λᵢ',
            logy: true,
          }),
      },
      {
        id: 'eigenvectors',
        svg: () =>
          linePlot(
            Array.from({ length: k }, (_, c) => ({
              name: `v${c + 1}`,
              x: rows,
              y: rows.map((i) => V.data[i * k + c]),
              color: PALETTE[c],
            })),
            { title: 'Top NTK eigenvectors', xlabel: 'point index', ylabel: 'vᵢ(x)' },
          ),
      },
    ];
    const w = r.arrays.widths.data;
    if (w.length > 0) {
      const e = r.arrays.empiricalError.data;
      const ref = Array.from(w, (x) => e[0] * Math.sqrt(w[0] / x));
      figs.push({
        id: 'convergence',
        svg: () =>
          linePlot(
            [
              { name: '‖Θ_w − Θ‖/‖Θ‖', x: w, y: e, points: true, dash: true },
              { name: 'slope −1/2', x: w, y: ref, color: '#999' },
            ],
            {
              title: 'Empirical NTK → limit',
              xlabel: 'width w',
              ylabel: 'relative error',
              logx: true,
              logy: true,
            },
          ),
      });
    }
    return figs;
  },
  summary(r) {
    const ev = r.arrays.eigenvalues.data;
    return [
      ['λ₁', fmt(ev[0])],
      ['λ₂', fmt(ev[1])],
      ['Θ(x₁, x₁)', fmt(r.arrays.ntk.data[0])],
      ['error slope in w', fmt(r.scalars.slope as number)],
    ];
  },
  cli(p) {
    const model = JSON.stringify(denseModelJson(kernelSpec(p)));
    return [
      `echo '${model}' > model.json`,
      '# x: the "x" array of this view (data export → .npy)',
      'npx ntk kernel --model model.json --x1 lab.kernel.x.npy --get ntk --out ntk.npy',
      'npx ntk kernel --model model.json --x1 lab.kernel.x.npy --get nngp --out nngp.npy',
    ].join('\n');
  },
};
