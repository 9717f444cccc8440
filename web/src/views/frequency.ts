import { linePlot, PALETTE } from '../plot/svg.js';
import { fmt, type ViewDef } from './types.js';

export const frequencyView: ViewDef = {
  name: 'frequency',
  title: 'Frequency bias under a non-uniform density',
  about:
    'The two-layer ReLU NTK with bias on S¹ (Basri et al. 2020, eq. 11) under a piecewise-constant density p (click the ' +
    'density figure to redraw it): top eigenvalues by Nyström against eq. 17 as printed and as corrected, eigenfunctions whose ' +
    'local frequency in each arc is ≈ q·√pⱼ/Z (eq. 13), and the GD iterations to learn cos(κx) from samples of p, growing like κ² (their Theorem).',
  controls: [
    { key: 'density', label: 'density p₁,p₂,… (equal arcs from −π)', kind: 'text', default: '1,2,4' },
    { key: 'grid', label: 'Nyström grid M', kind: 'number', min: 64, max: 4096, step: 64, default: 512 },
    { key: 'top', label: 'eigenpairs K', kind: 'number', min: 4, max: 60, step: 1, default: 16 },
    {
      key: 'samples',
      label: 'samples N (learning time)',
      kind: 'number',
      min: 20,
      max: 1500,
      step: 10,
      default: 300,
    },
    { key: 'kappaMax', label: 'κ up to', kind: 'number', min: 2, max: 30, step: 1, default: 10 },
    { key: 'seed', label: 'seed', kind: 'number', min: 0, max: 1e9, step: 1, default: 0 },
  ],
  figures(r) {
    const ev = r.arrays.eigenvalues.data;
    const idx = Array.from(ev, (_, i) => i + 1);
    const dens = r.arrays.density.data;
    const J = dens.length;
    const total = dens.reduce((a, b) => a + b, 0);
    const dx: number[] = [];
    const dy: number[] = [];
    for (let j = 0; j < J; j++) {
      const v = dens[j] / ((total * 2 * Math.PI) / J);
      dx.push(-Math.PI + (2 * Math.PI * j) / J, -Math.PI + (2 * Math.PI * (j + 1)) / J);
      dy.push(v, v);
    }
    const E = r.arrays.eigenfunctions;
    const M = E.shape[1];
    const grid = r.arrays.grid.data;
    const show = Math.min(4, E.shape[0]);
    return [
      {
        id: 'density',
        svg: () =>
          linePlot([{ name: 'p(x)', x: dx, y: dy }], {
            title: 'Density p (click to redraw)',
            xlabel: 'x',
            ylabel: 'p',
          }),
      },
      {
        id: 'eigenvalues',
        svg: () =>
          linePlot(
            [
              { name: 'Nyström', x: idx, y: ev, points: true },
              { name: 'eq. 17 as printed', x: idx, y: r.arrays.eq17Typed.data, dash: true },
              { name: 'eq. 17 corrected', x: idx, y: r.arrays.eq17Corrected.data },
            ],
            { title: 'Eigenvalues', xlabel: 'index i', ylabel: 'λᵢ', logy: true, logx: true },
          ),
      },
      {
        id: 'eigenfunctions',
        svg: () =>
          linePlot(
            Array.from({ length: show }, (_, i) => ({
              name: `f${i + 1}`,
              x: grid,
              y: E.data.subarray(i * M, (i + 1) * M),
              color: PALETTE[i],
            })),
            { title: 'Top eigenfunctions', xlabel: 'x', ylabel: 'f(x)' },
          ),
      },
      {
        id: 'learning',
        svg: () =>
          linePlot(
            [
              {
                name: 'GD steps',
                x: r.arrays.kappa.data,
                y: r.arrays.learningSteps.data,
                points: true,
                dash: true,
              },
            ],
            {
              title: 'Iterations to learn cos(κx)',
              xlabel: 'κ',
              ylabel: 'steps to ‖y − u‖ ≤ 0.1‖y‖',
              logx: true,
              logy: true,
            },
          ),
      },
    ];
  },
  summary(r) {
    const ev = r.arrays.eigenvalues.data;
    const lf = r.arrays.localFrequency;
    const pf = r.arrays.predictedLocalFrequency;
    const J = lf.shape[1];
    const i = Math.min(3, lf.shape[0] - 1);
    return [
      ['λ₁ (Nyström)', fmt(ev[0])],
      ['λ₁ (eq. 17 corrected)', fmt(r.arrays.eq17Corrected.data[0])],
      ['Z', fmt(r.scalars.Z as number)],
      [`local freq. of f${i + 1} per arc`, Array.from(lf.data.subarray(i * J, (i + 1) * J), fmt).join(', ')],
      [`predicted q·√pⱼ/Z`, Array.from(pf.data.subarray(i * J, (i + 1) * J), fmt).join(', ')],
    ];
  },
  cli(p) {
    return `npx ntk spectrum circle --kernel two-layer-relu-bias --density ${p.density} --grid ${p.grid} --top ${p.top} --out circle.json`;
  },
};
