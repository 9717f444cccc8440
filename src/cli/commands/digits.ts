import type { Command } from 'commander';
import { loadDigits } from '../../data/digits.js';
import { NtkInputError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { checkOutputs } from '../../io/outputPlan.js';
import { digitsSplit } from '../../data/digitsSplit.js';
import { kernelFn } from '../../kernels/kernelFn.js';
import { Matrix } from '../../linalg/matrix.js';
import { solveSpd } from '../../linalg/cholesky.js';
import { matmul } from '../../linalg/blas.js';
import { Conv, Dense, GlobalAvgPool, Relu, serial } from '../../nn/index.js';
import type { Layer } from '../../nn/types.js';
import { PRNGKey, split } from '../../random/index.js';
import { networkModel } from '../../train/model.js';
import { train } from '../../train/train.js';
import { intArg, parseNumber } from '../args.js';
import { resultJson } from '../jsonResult.js';
import { deferSignals } from '../signals.js';
import { cntkByDepth } from './digitsKernels.js';

/**
 * `ntk digits`: kernel regression on the 8×8 digits with the CNTK-V, the CNTK-GAP and the
 * fully-connected NTK of depths 1…L, and a trained CNN of the CNTK-GAP architecture, on a fixed split
 * (docs/cntk.md has the table and the command). Kernel regression (t = ∞ of MSE gradient flow):
 *   f(X_test) = Θ(X_test, X_train)·(Θ(X_train, X_train) + ε·I)⁻¹·Y,  ε = 1e-8·mean diag Θ (a jitter for rounding),
 * Y = onehot − 0.1 (Arora et al. 2019, §6); the prediction is the arg max over the 10 outputs.
 */
export interface DigitsRow {
  depth: number;
  cntkV: [number, number] | null;
  cntkGap: [number, number] | null;
  denseNtk: [number, number] | null;
  cnn: [number, number] | null;
}

function accuracy(F: Matrix, labels: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < F.rows; i++) {
    let best = 0;
    for (let c = 1; c < F.cols; c++) if (F.data[i * F.cols + c] > F.data[i * F.cols + best]) best = c;
    if (best === labels[i]) ok++;
  }
  return ok / F.rows;
}

function regression(Ktr: Matrix, Kte: Matrix, Y: Matrix, lTr: Int32Array, lTe: Int32Array): [number, number] {
  let md = 0;
  for (let i = 0; i < Ktr.rows; i++) md += Ktr.data[i * Ktr.rows + i] / Ktr.rows;
  const alpha = solveSpd(Ktr, Y, { jitter: 1e-8 * md });
  const mul = (K: Matrix): Matrix => matmul(K, alpha);
  return [accuracy(mul(Ktr), lTr), accuracy(mul(Kte), lTe)];
}

export interface DigitsOptions {
  nTrain: number;
  nTest: number;
  depth: number;
  seed: number;
  cnnWidth: number;
  cnnSteps: number;
  cnnLr: number;
  cnnDepths: number[];
  tile: number;
  /** Only the trained CNNs (the kernel columns stay empty). */
  skipKernels?: boolean;
  log?: (msg: string) => void;
}

export function digitsTable(o: DigitsOptions): DigitsRow[] {
  const log = o.log ?? (() => undefined);
  const s = digitsSplit(loadDigits(), o.nTrain, o.nTest, PRNGKey(o.seed));
  const flat = (x: { shape: number[]; data: Float64Array }) => ({ shape: [x.shape[0], 64], data: x.data });
  const t0 = Date.now();
  const every = (what: string) => (d: number, t: number) => {
    if (d % 50 === 0 || d === t) log(`${what} tile ${d}/${t}`);
  };
  const tr = o.skipKernels ? null : cntkByDepth(s.xTrain, null, o.depth, o.tile, every('CNTK train×train'));
  const te = o.skipKernels ? null : cntkByDepth(s.xTest, s.xTrain, o.depth, o.tile, every('CNTK test×train'));
  if (!o.skipKernels) log(`CNTK of depths 1…${o.depth}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const rows: DigitsRow[] = [];
  for (let d = 1; d <= o.depth; d++) {
    let denseNtk: [number, number] | null = null;
    if (!o.skipKernels) {
      const layers: Layer[] = [];
      for (let l = 0; l < d; l++) layers.push(Dense({ width: 1, W_std: Math.SQRT2, b_std: null }), Relu());
      const dense = serial(...layers, Dense({ width: 1, W_std: 1, b_std: null }));
      const Ktr = kernelFn(dense, flat(s.xTrain), null, { get: 'ntk' }).ntk!;
      const Kte = kernelFn(dense, flat(s.xTest), flat(s.xTrain), { get: 'ntk' }).ntk!;
      denseNtk = regression(Ktr, Kte, s.yTrain, s.labelsTrain, s.labelsTest);
    }
    const row: DigitsRow = {
      depth: d,
      cntkV: tr && te ? regression(tr.v[d - 1], te.v[d - 1], s.yTrain, s.labelsTrain, s.labelsTest) : null,
      cntkGap:
        tr && te ? regression(tr.gap[d - 1], te.gap[d - 1], s.yTrain, s.labelsTrain, s.labelsTest) : null,
      denseNtk,
      cnn: null,
    };
    if (o.cnnDepths.includes(d)) {
      const t1 = Date.now();
      const cl: Layer[] = [];
      for (let l = 0; l < d; l++)
        cl.push(
          Conv({ channels: o.cnnWidth, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: null }),
          Relu(),
        );
      const net = serial(...cl, GlobalAvgPool(), Dense({ width: 10, W_std: 1, b_std: null }));
      const [kInit] = split(PRNGKey(o.seed + 1000 + d), 1);
      const params = net.init(kInit, [8, 8, 1]);
      const r = train({
        model: networkModel(net, params),
        xTrain: s.xTrain,
        yTrain: s.yTrain,
        xTest: s.xTest,
        yTest: s.yTest,
        optimizer: 'adam',
        lr: o.cnnLr,
        steps: o.cnnSteps,
        recordSteps: [o.cnnSteps],
      });
      const fTr = r.fTrain![r.fTrain!.length - 1];
      const fTe = r.fTest![r.fTest!.length - 1];
      row.cnn = [accuracy(fTr, s.labelsTrain), accuracy(fTe, s.labelsTest)];
      log(
        `CNN depth ${d}: ${((Date.now() - t1) / 1000).toFixed(1)} s, final loss ${r.loss[r.loss.length - 1].toExponential(2)}`,
      );
    }
    rows.push(row);
    log(`depth ${d}: ${JSON.stringify(row)}`);
  }
  return rows;
}

export function digitsMarkdown(rows: DigitsRow[]): string {
  const pct = (a: [number, number] | null) =>
    a === null ? '—' : `${(100 * a[0]).toFixed(1)} / ${(100 * a[1]).toFixed(1)}`;
  return [
    '| depth | CNTK-V (Flatten) | CNTK-GAP | dense NTK | trained CNN (GAP) |',
    '|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.depth} | ${pct(r.cntkV)} | ${pct(r.cntkGap)} | ${pct(r.denseNtk)} | ${pct(r.cnn)} |`,
    ),
  ].join('\n');
}

const int =
  (flag: string) =>
  (s: string): number =>
    intArg(flag, s, 0);

export function registerDigits(program: Command): void {
  program
    .command('digits')
    .description(
      'train/test accuracy (%) on the 8×8 digits of kernel regression with the CNTK-V, CNTK-GAP and dense NTK of depths 1…L ' +
        '(targets onehot − 0.1) and of a trained CNN of the CNTK-GAP architecture, on a fixed split (docs/cntk.md)',
    )
    .option('--train <n>', 'training images', int('--train'), 200)
    .option('--test <n>', 'test images', int('--test'), 200)
    .option('--depth <L>', 'largest depth (number of Conv+Relu blocks)', int('--depth'), 6)
    .option('--seed <s>', 'split and CNN init seed', int('--seed'), 0)
    .option('--cnn-width <c>', 'channels of the trained CNN', int('--cnn-width'), 32)
    .option('--cnn-steps <T>', 'full-batch Adam steps of the trained CNN', int('--cnn-steps'), 300)
    .option(
      '--cnn-lr <lr>',
      'Adam learning rate',
      (s: string) => parseNumber('--cnn-lr', s, { minExclusive: 0 }),
      0.01,
    )
    .option('--cnn-depths <list>', "depths at which to train a CNN, e.g. '1,2,4' (default: all)")
    .option('--tile <t>', 'input pairs per tile edge of the CNTK', int('--tile'), 8)
    .option('--skip-kernels', 'only the trained CNNs')
    .option('--json <path>', 'also write the rows as JSON')
    .action(
      (o: {
        train: number;
        test: number;
        depth: number;
        seed: number;
        cnnWidth: number;
        cnnSteps: number;
        cnnLr: number;
        cnnDepths?: string;
        tile: number;
        skipKernels?: boolean;
        json?: string;
      }) => {
        if (o.depth < 1) throw new NtkInputError(`--depth must be ≥ 1, got ${o.depth}`);
        if (o.json !== undefined) checkOutputs([{ flag: '--json', path: o.json, kind: 'file' }], []);
        const cnnDepths =
          o.cnnDepths === undefined
            ? Array.from({ length: o.depth }, (_, i) => i + 1)
            : o.cnnDepths
                .split(',')
                .filter((t) => t !== '')
                .map(int('--cnn-depths'));
        const rows = digitsTable({
          nTrain: o.train,
          nTest: o.test,
          depth: o.depth,
          seed: o.seed,
          cnnWidth: o.cnnWidth,
          cnnSteps: o.cnnSteps,
          cnnLr: o.cnnLr,
          cnnDepths,
          tile: Math.max(1, o.tile),
          skipKernels: o.skipKernels === true,
          log: (m) => process.stderr.write(`ntk digits: ${m}\n`),
        });
        deferSignals();
        if (o.json) writeFileAtomic(o.json, resultJson(rows));
        process.stdout.write(digitsMarkdown(rows) + '\n');
      },
    );
}
