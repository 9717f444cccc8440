import { ACTIVATIONS, denseModelJson } from '../compute/modelJson.js';
import { trainingSpec } from '../compute/specs.js';
import { linePlot, PALETTE } from '../plot/svg.js';
import { fmt, type ViewDef } from './types.js';

export const trainingView: ViewDef = {
  name: 'training',
  title: 'Training: a finite net beside its kernel prediction',
  about:
    'A dense net trained live on L = (1/2N)Σ(f − y)² by GD, SGD or Adam, beside the constant-kernel prediction ' +
    'f_s = y + (I − ηG₀/N)^s (f₀ − y) of the same run (Lee et al. 2019, eq. 8; first-order dynamics of Kopitkov & Indelman 2020). The top-k ' +
    'eigenpairs of the empirical Gramian G_t are refreshed while it trains, with the alignment cos α_t(y, k) and cos α_t(f_t − y, k) ' +
    '(Kopitkov & Indelman 2020), and the residual projections on G₀’s leading eigenvectors decay in the order of the ' +
    'eigenvalues (Jacot et al. 2018, §5).',
  controls: [
    { key: 'inputs', label: 'inputs', kind: 'select', options: ['line', 'circle'], default: 'line' },
    { key: 'n', label: 'N points', kind: 'number', min: 4, max: 1000, step: 1, default: 40 },
    {
      key: 'kappa',
      label: 'target frequency κ',
      kind: 'number',
      min: 0.5,
      max: 16,
      step: 0.5,
      default: 2,
      slider: true,
    },
    { key: 'act', label: 'activation', kind: 'select', options: ACTIVATIONS, default: 'Relu' },
    { key: 'depth', label: 'depth', kind: 'number', min: 1, max: 8, step: 1, default: 2 },
    { key: 'width', label: 'width', kind: 'number', min: 4, max: 2048, step: 4, default: 128 },
    { key: 'wstd', label: 'W_std', kind: 'number', min: 0.1, max: 4, step: 0.1, default: 1.5 },
    { key: 'bstd', label: 'b_std', kind: 'number', min: 0, max: 2, step: 0.05, default: 0.1 },
    {
      key: 'opt',
      label: 'optimizer',
      kind: 'select',
      options: ['gd', 'sgd', 'momentum', 'adam'],
      default: 'gd',
    },
    { key: 'lr', label: 'learning rate η', kind: 'number', min: 1e-5, max: 100, step: 0.01, default: 0.5 },
    { key: 'batch', label: 'minibatch B (sgd)', kind: 'number', min: 1, max: 1000, step: 1, default: 10 },
    { key: 'steps', label: 'steps', kind: 'number', min: 1, max: 100000, step: 1, default: 300 },
    { key: 'topk', label: 'top-k eigenpairs', kind: 'number', min: 1, max: 50, step: 1, default: 10 },
    {
      key: 'refreshMs',
      label: 'eigen refresh (ms)',
      kind: 'number',
      min: 0,
      max: 5000,
      step: 10,
      default: 250,
    },
    { key: 'seed', label: 'seed', kind: 'number', min: 0, max: 1e9, step: 1, default: 0 },
  ],
  figures(r, p) {
    const loss = r.arrays.loss.data;
    const steps = Array.from(loss, (_, i) => i);
    const figs = [
      {
        id: 'loss',
        svg: () =>
          linePlot(
            [
              { name: 'network', x: steps, y: loss },
              ...(p.opt === 'gd'
                ? [{ name: 'kernel (G₀)', x: steps, y: r.arrays.kernelLoss.data, dash: true }]
                : []),
            ],
            { title: 'Training loss', xlabel: 'step', ylabel: 'L', logy: true },
          ),
      },
    ];
    const x = r.arrays.x;
    const xs = x.shape[1] === 1 ? x.data : Float64Array.from({ length: x.shape[0] }, (_, i) => i);
    figs.push({
      id: 'fit',
      svg: () =>
        linePlot(
          [
            { name: 'target y', x: xs, y: r.arrays.y.data, points: true, color: '#999' },
            { name: 'network f_t', x: xs, y: r.arrays.f.data },
            ...(p.opt === 'gd' ? [{ name: 'kernel f_t', x: xs, y: r.arrays.fKernel.data, dash: true }] : []),
          ],
          { title: 'Fit at the current step', xlabel: x.shape[1] === 1 ? 'x' : 'point index', ylabel: 'f' },
        ),
    });
    const S = r.arrays.snapshotSteps.data;
    const ev = r.arrays.snapshotEigenvalues;
    const k = ev.shape[1];
    figs.push({
      id: 'spectrum',
      svg: () =>
        linePlot(
          Array.from({ length: k }, (_, i) => ({
            name: `λ${i + 1}`,
            x: S,
            y: Array.from(S, (_, s) => ev.data[s * k + i]),
            color: PALETTE[i],
          })),
          { title: `Top-${k} eigenvalues of G_t`, xlabel: 'step', ylabel: 'λ', logy: true },
        ),
    });
    figs.push({
      id: 'alignment',
      svg: () =>
        linePlot(
          [
            { name: `cos α(y, ${k})`, x: S, y: r.arrays.alignmentY.data, points: true },
            { name: `cos α(f−y, ${k})`, x: S, y: r.arrays.alignmentResidual.data, points: true, dash: true },
          ],
          { title: 'Alignment with the top eigenvectors', xlabel: 'step', ylabel: 'cos α' },
        ),
    });
    const M = r.arrays.residualModes;
    const m = M.shape[1];
    figs.push({
      id: 'modes',
      svg: () =>
        linePlot(
          Array.from({ length: m }, (_, i) => ({
            name: `|⟨v${i + 1}(G₀), f−y⟩|`,
            x: steps,
            y: steps.map((s) => Math.abs(M.data[s * m + i])),
          })),
          { title: 'Residual along G₀ eigenvectors', xlabel: 'step', ylabel: 'projection', logy: true },
        ),
    });
    return figs;
  },
  summary(r) {
    const loss = r.arrays.loss.data;
    return [
      ['steps done', String(r.scalars.stepsDone)],
      ['final loss', fmt(loss[loss.length - 1])],
      ['kernel-predicted loss', fmt(r.arrays.kernelLoss.data[loss.length - 1])],
      ['steps / s', fmt(r.scalars.stepsPerSecond as number)],
      ['G_t eigen refreshes / s', fmt(r.scalars.snapshotsPerSecond as number)],
      ['parameters', String(r.scalars.params)],
    ];
  },
  cli(p) {
    const model = JSON.stringify(denseModelJson(trainingSpec(p)));
    const batch = p.opt !== 'gd' ? ` --batch ${p.batch}` : '';
    return [
      `echo '${model}' > model.json`,
      '# x, y: the "x" and "y" arrays of this view (data export → .npy)',
      `npx ntk train --model model.json --seed ${p.seed} --x lab.training.x.npy --y lab.training.y.npy --optimizer ${p.opt} --lr ${p.lr}${batch} --steps ${p.steps} --record-every 1 --out run.json`,
    ].join('\n');
  },
};
