import { linePlot } from '../plot/svg.js';
import { fmt, type ViewDef } from './types.js';

const PHASES = ['lazy', 'catapult', 'divergent', 'unresolved'];

export const catapultView: ViewDef = {
  name: 'catapult',
  title: 'Catapult: lazy, catapult and divergent phases',
  about:
    'Gradient descent at η·λ₀ = r (r = 2 is η = 2/λ₀): lazy below 2, a loss spike that drives λ_t down until η·λ_t < 2 ' +
    'between 2 and η_max·λ₀ (4 for the toy model), divergence above (Lewkowycz et al. 2020, §2–3). ' +
    'The toy model f = n^(−1/2)vᵀu iterates the exact recurrences of Δf_t and λ_t; the ReLU net is a wide two-layer ' +
    'network trained by full-batch GD, where r = η·λ₀/N for the loss (1/2N)Σ(f − y)².',
  controls: [
    { key: 'model', label: 'model', kind: 'select', options: ['toy', 'relu'], default: 'toy' },
    { key: 'r', label: 'η·λ₀ (r)', kind: 'number', min: 0.05, max: 12, step: 0.05, default: 3, slider: true },
    { key: 'n', label: 'width n', kind: 'number', min: 2, max: 100000, step: 1, default: 1000 },
    { key: 'points', label: 'N points (relu)', kind: 'number', min: 2, max: 200, step: 1, default: 16 },
    { key: 'steps', label: 'steps', kind: 'number', min: 10, max: 100000, step: 10, default: 400 },
    { key: 'seed', label: 'seed', kind: 'number', min: 0, max: 1e9, step: 1, default: 0 },
  ],
  figures(r, p) {
    const t = r.arrays.t.data;
    const lt = p.model === 'toy' ? t : r.arrays.ntkSteps.data;
    const figs = [
      {
        id: 'loss',
        svg: () =>
          linePlot([{ name: 'loss', x: t, y: r.arrays.loss.data }], {
            title: 'Loss over time',
            xlabel: 'step t',
            ylabel: 'L_t',
            logy: true,
          }),
      },
      {
        id: 'lambda',
        svg: () =>
          linePlot(
            [
              { name: p.model === 'toy' ? 'η·λ_t' : 'η·λ_t/N', x: lt, y: r.arrays.etaLambda.data },
              { name: '2', x: [lt[0], lt[lt.length - 1]], y: [2, 2], color: '#999', dash: true },
            ],
            { title: 'Curvature η·λ_t', xlabel: 'step t', ylabel: 'η·λ_t' },
          ),
      },
    ];
    if (p.model === 'toy') {
      figs.push({
        id: 'phases',
        svg: () =>
          linePlot(
            [
              {
                name: 'phase',
                x: r.arrays.phaseGrid.data,
                y: r.arrays.phase.data,
                points: true,
              },
            ],
            {
              title: 'Phase of each η·λ₀',
              xlabel: 'η·λ₀',
              ylabel: '0 lazy · 1 catapult · 2 divergent',
            },
          ),
      });
    }
    return figs;
  },
  summary(r, p) {
    if (p.model === 'toy')
      return [
        ['phase', String(r.scalars.phase)],
        ['λ₀', fmt(r.scalars.lambda0 as number)],
        ['max |Δf_t| / |Δf₀|', fmt(r.scalars.spike as number)],
        ['η·λ at the end', fmt(r.scalars.etaLambdaFinal as number)],
        ['phases on the grid', PHASES.join(' / ')],
      ];
    return [
      ['λ₀ = λ_max(Θ₀)', fmt(r.scalars.lambda0 as number)],
      ['η', fmt(r.scalars.lr as number)],
      ['diverged', String(r.scalars.diverged)],
      ['max L_t / L₀', fmt(r.scalars.maxLossRatio as number)],
      ['final L_T / L₀', fmt(r.scalars.finalLossRatio as number)],
    ];
  },
  cli(p) {
    if (p.model === 'toy')
      return 'npx ntk reproduce 003-catapult-toy --preset quick   # the toy model over widths 100 … 10000';
    const model = JSON.stringify({
      parameterization: 'ntk',
      layers: [
        { type: 'Dense', width: p.n, W_std: 1, b_std: null },
        { type: 'Relu' },
        { type: 'Dense', width: 1, W_std: 1, b_std: null },
      ],
    });
    return [
      `echo '${model}' > model.json`,
      '# η: the "lr" number of this view\'s data export; x, y as in the training view (N circle points, y = sin(2x₀))',
      `npx ntk train --model model.json --seed ${p.seed} --x x.npy --y y.npy --optimizer gd --lr <η> --steps ${p.steps} --record-every 1 --out run.json`,
      'npx ntk reproduce 003-catapult-relu --preset quick',
    ].join('\n');
  },
};
