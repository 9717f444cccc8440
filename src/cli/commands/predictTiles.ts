import { statSync } from 'node:fs';
import { readMatrix } from '../../io/npyFile.js';
import { writeResultSet, type Sidecar } from '../../io/resultSet.js';
import { NtkInputError, NtkNumericalError } from '../../errors.js';
import { Matrix } from '../../linalg/matrix.js';
import { matmul } from '../../linalg/blas.js';
import { getBackend } from '../../linalg/select.js';
import { tiledKernel } from '../../tiles/operator.js';
import { tiledKernelRegression } from '../../tiles/regression.js';
import { mse } from '../../train/loss.js';
import { parseNumber } from '../args.js';
import { resultJson } from '../jsonResult.js';
import { assertFinite } from '../../predict/validate.js';
import { deferSignals } from '../signals.js';

/** Whether `--kernel-train` names a tile run folder (then `ntk predict` solves by conjugate gradients). */
export function isTileRun(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface TiledPredictOptions {
  kernelTrain: string;
  kernelTest?: string;
  y: string;
  yTest?: string;
  f0?: string;
  f0Test?: string;
  times: string;
  diagReg: string;
  diagRegAbsolute?: boolean;
  modes?: boolean;
  out: string;
}

function read(flag: string, path: string): Matrix {
  const M = readMatrix(path);
  assertFinite('ntk predict', `${flag} '${path}'`, M);
  return M;
}

/**
 * `ntk predict --kernel-train RUN` (a tile run folder): kernel regression at t = ∞ by conjugate gradients
 * over the tiles, f_train = f₀ + K·α, f_test = f_test,0 + K_*·α with α = (K + εI)⁻¹·(y − f₀); the JSON
 * reports the iterations and residuals. Only t = inf: finite times need the eigendecomposition of K.
 */
export function tiledPredict(o: TiledPredictOptions, inputs: readonly string[]): void {
  if (o.times.trim().toLowerCase() !== 'inf')
    throw new NtkInputError(
      `--kernel-train '${o.kernelTrain}' is a tile run: only --times inf (kernel regression by conjugate gradients) is available; got '${o.times}'. For finite times merge the tiles (ntk tiles merge) and pass the .npy`,
    );
  if (o.modes)
    throw new NtkInputError('--modes needs a kernel .npy, not a tile run (use `ntk eig` for eigenpairs)');
  const K = tiledKernel(o.kernelTrain);
  const y = read('--y', o.y);
  if (y.rows !== K.n)
    throw new NtkInputError(
      `--y must have N = ${K.n} rows (the kernel of the tile run), got ${y.rows}×${y.cols}`,
    );
  const f0 = o.f0 ? read('--f0', o.f0) : null;
  if (f0 && (f0.rows !== y.rows || f0.cols !== y.cols))
    throw new NtkInputError(`--f0 must be ${y.rows}×${y.cols} as --y, got ${f0.rows}×${f0.cols}`);
  const Kt = o.kernelTest ? read('--kernel-test', o.kernelTest) : null;
  if (Kt && Kt.cols !== K.n)
    throw new NtkInputError(`--kernel-test must be M×${K.n} (test × train), got ${Kt.rows}×${Kt.cols}`);
  const yTest = o.yTest ? read('--y-test', o.yTest) : null;
  if (yTest && !Kt) throw new NtkInputError('--y-test needs --kernel-test');
  if (yTest && Kt && (yTest.rows !== Kt.rows || yTest.cols !== y.cols))
    throw new NtkInputError(`--y-test must be ${Kt.rows}×${y.cols}, got ${yTest.rows}×${yTest.cols}`);
  const f0t = o.f0Test ? read('--f0-test', o.f0Test) : null;
  if (f0t && !Kt) throw new NtkInputError('--f0-test needs --kernel-test');
  if (f0t && Kt && (f0t.rows !== Kt.rows || f0t.cols !== y.cols))
    throw new NtkInputError(`--f0-test must be ${Kt.rows}×${y.cols}, got ${f0t.rows}×${f0t.cols}`);
  const rhs = y.clone();
  if (f0) for (let k = 0; k < rhs.data.length; k++) rhs.data[k] -= f0.data[k];
  const r = tiledKernelRegression(o.kernelTrain, rhs, {
    diagReg: parseNumber('--diag-reg', o.diagReg, { min: 0 }),
    diagRegAbsolute: !!o.diagRegAbsolute,
  });
  const fTrain = new Matrix(y.rows, y.cols);
  K.apply(r.alpha, fTrain);
  if (f0) for (let k = 0; k < fTrain.data.length; k++) fTrain.data[k] += f0.data[k];
  const fTest = Kt ? matmul(Kt, r.alpha) : null;
  if (fTest && f0t) for (let k = 0; k < fTest.data.length; k++) fTest.data[k] += f0t.data[k];
  for (const [name, M] of [
    ['f_train', fTrain],
    ['f_test', fTest],
  ] as const) {
    const k = M ? M.data.findIndex((v) => !Number.isFinite(v)) : -1;
    if (k >= 0)
      throw new NtkNumericalError(
        `ntk predict: ${name} at t = ∞ is ${M!.data[k]} (entry ${k}); nothing was written`,
      );
  }
  const sidecars: Sidecar[] = [{ suffix: 'fTrain', data: fTrain.data, shape: [1, fTrain.rows, fTrain.cols] }];
  if (fTest) sidecars.push({ suffix: 'fTest', data: fTest.data, shape: [1, fTest.rows, fTest.cols] });
  const axes = ['time', 'example', 'output'];
  deferSignals();
  const written = writeResultSet(
    o.out,
    sidecars,
    (runId, records) => {
      const file = (suffix: string, M: Matrix) => ({
        ...records.get(suffix)!,
        shape: [1, M.rows, M.cols],
        axes,
      });
      return resultJson({
        runId,
        command: 'ntk predict',
        kernelTrain: o.kernelTrain,
        kernelTest: o.kernelTest ?? null,
        solver: 'conjugate gradients over the tiles (t = ∞ kernel regression)',
        normalization: 'f_∞ = f₀ + K_*·(K + εI)⁻¹·(y − f₀)',
        diagReg: r.diagReg,
        steps: ['inf'],
        cg: { iterations: r.iterations, residuals: Array.from(r.residuals), converged: r.converged },
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        trainLoss: [mse.evaluate(fTrain.data, y.data, y.cols)],
        testLoss: yTest && fTest ? [mse.evaluate(fTest.data, yTest.data, y.cols)] : null,
        fTrain: file('fTrain', fTrain),
        fTest: fTest ? file('fTest', fTest) : null,
        backend: getBackend().name,
        sidecars: [...records.values()].map((rec) => rec.file),
      });
    },
    inputs,
  );
  process.stdout.write(
    `ntk predict: t = ∞ by conjugate gradients over the tiles: ${r.iterations} iterations, residual ${Math.max(...r.residuals).toExponential(2)}${r.converged ? '' : ' (NOT converged)'}; wrote ${written.join(', ')}\n`,
  );
  if (!r.converged) process.exitCode = 1;
}
