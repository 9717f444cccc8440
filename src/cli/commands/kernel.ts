import type { Command } from 'commander';
import { NtkInputError } from '../../errors.js';
import { parseBytes } from '../../memoryLimit.js';
import { readMatrix } from '../../io/npyFile.js';
import { checkOutputs, type NamedPath } from '../../io/outputPlan.js';
import { kernelFn, type KernelGet } from '../../kernels/kernelFn.js';
import type { Matrix } from '../../linalg/matrix.js';
import { loadModel, type Model } from '../../nn/model.js';
import { choice, optionalPositiveInt } from '../args.js';
import { addFiniteWidthOptions, wantsFiniteWidth, type FiniteWidthOptions } from './kernelOptions.js';
import { tileProgress } from '../progress.js';
import { writeKernel } from './kernelOutput.js';
import { npyRank, spatialKernelCommand } from './kernelSpatial.js';

/** Options of `ntk kernel`; later options (--empirical, --params, --seed, --mc-width, …) extend this. */
export interface KernelCommandOptions extends FiniteWidthOptions {
  model: string;
  x1: string;
  x2?: string;
  get: string;
  out: string;
  threads?: string;
  tile?: string;
  adjacency?: string;
  adjacency2?: string;
}

/** What every way of computing the kernel receives. */
export interface KernelJob {
  readonly o: KernelCommandOptions;
  readonly model: Model;
  readonly x1: Matrix;
  readonly x2: Matrix | null;
  readonly get: KernelGet;
  readonly onProgress?: (done: number, total: number) => void;
}

/** The infinite-width kernel (kernelFn). */
function analyticKernel(job: KernelJob): Matrix {
  const r = kernelFn(job.model.net, job.x1, job.x2, {
    get: job.get,
    threads: optionalPositiveInt('--threads', job.o.threads),
    tileSize: optionalPositiveInt('--tile', job.o.tile),
    memoryLimitBytes:
      job.o.memoryLimit !== undefined ? parseBytes('--memory-limit', job.o.memoryLimit) : undefined,
    onProgress: job.onProgress,
  });
  return job.get === 'nngp' ? r.nngp! : r.ntk!;
}

/** Dispatch on the options: the analytic kernel, or the finite-width branches (loaded only when asked for). */
async function computeKernel(job: KernelJob): Promise<Matrix> {
  if (!wantsFiniteWidth(job.o)) return analyticKernel(job);
  const { finiteWidthKernel } = await import('./kernelEmpirical.js');
  return finiteWidthKernel(job.o, job.model, job.x1, job.x2, job.get) ?? analyticKernel(job);
}

/** Read an input .npy as N×d, refusing NaN/±∞ with the file, row and column. */
function readInputs(flag: string, path: string): Matrix {
  const m = readMatrix(path);
  for (let k = 0; k < m.data.length; k++) {
    if (!Number.isFinite(m.data[k])) {
      throw new NtkInputError(
        `${flag} ${path}: entry (${Math.floor(k / m.cols)}, ${k % m.cols}) is ${m.data[k]}; inputs must be finite`,
      );
    }
  }
  return m;
}

/** The files `ntk kernel` reads (an output may be none of them). */
function kernelInputs(o: KernelCommandOptions): NamedPath[] {
  const ins: NamedPath[] = [
    { flag: '--model', path: o.model },
    { flag: '--x1', path: o.x1 },
  ];
  if (o.x2 !== undefined) ins.push({ flag: '--x2', path: o.x2 });
  if (o.params !== undefined) ins.push({ flag: '--params', path: o.params });
  if (o.adjacency !== undefined) ins.push({ flag: '--adjacency', path: o.adjacency });
  if (o.adjacency2 !== undefined) ins.push({ flag: '--adjacency2', path: o.adjacency2 });
  return ins;
}

export function registerKernel(program: Command): void {
  const cmd = program
    .command('kernel')
    .description(
      'kernel matrix of a model between the rows of --x1 (N1×d) and --x2 (N2×d; default: x1), written as an N1×N2 float64 .npy. ' +
        "Default: the exact infinite-width NNGP ('nngp') or NTK ('ntk') of the model's architecture " +
        '(neural-tangents conventions; widths in the model file do not matter).',
    )
    .requiredOption('--model <path>', 'model JSON file ({"parameterization": "ntk", "layers": [...]})')
    .requiredOption('--x1 <path>', 'inputs, .npy of shape (N1, d)')
    .option('--x2 <path>', 'second inputs, .npy of shape (N2, d) (default: x1, symmetric)')
    .option('--get <which>', "'nngp' or 'ntk'", 'ntk')
    .requiredOption('--out <path>', 'output .npy (N1×N2 float64)')
    .option('--threads <n>', 'threads (default: all cores)')
    .option('--tile <n>', 'tile edge of the blocked computation (default 64)')
    .option(
      '--adjacency <path>',
      'graph inputs: --x1 node features (N1, V, C) and this .npy of their adjacencies (N1, V, V), for Aggregate',
    )
    .option('--adjacency2 <path>', 'the adjacencies (N2, V, V) of --x2 (needed with --x2 and --adjacency)')
    .option(
      '--memory-limit <bytes>',
      'peak-memory limit, e.g. 6G (default NTK_MEMORY_LIMIT or 6G); a larger job is refused at once',
    );
  addFiniteWidthOptions(cmd)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  ntk kernel --model mlp.json --x1 train.npy --get ntk --out K_train.npy',
        '  ntk kernel --model mlp.json --x1 test.npy --x2 train.npy --get nngp --out K_test_train.npy',
        '',
        'mlp.json:',
        '  {"parameterization": "ntk", "layers": [{"type": "Dense", "width": 512, "W_std": 1.5, "b_std": 0.1},',
        '   {"type": "Relu"}, {"type": "Dense", "width": 1, "W_std": 1.5, "b_std": 0.1}]}',
        'Layer types: Dense, Relu, ABRelu, LeakyRelu, Abs, Erf, Gelu, Sin, Cos, Rbf, Elementwise ("fn": "tanh" …),',
        'Identity, serial, parallel, FanOut, FanInSum, FanInConcat ("b_std": null = no bias). See docs/recipes.md.',
        'Images: --x1 of shape (N, H, W, C) with Conv ("channels", "filter": [3, 3], "padding": SAME|VALID|CIRCULAR),',
        'AvgPool ("window"), GlobalAvgPool, Flatten. See docs/cntk.md.',
        'Graphs: --x1 node features (N, V, C) with --adjacency (N, V, V) and Aggregate layers, e.g.',
        '  ntk kernel --model gnn.json --x1 features.npy --adjacency adjacency.npy --get ntk --out K.npy',
      ].join('\n'),
    )
    .action(async (o: KernelCommandOptions) => {
      const get = choice('--get', o.get, ['nngp', 'ntk'] as const);
      checkOutputs([{ flag: '--out', path: o.out, kind: 'file' }], kernelInputs(o));
      const model = loadModel(o.model);
      if (npyRank(o.x1) > 2) return spatialKernelCommand(o, model);
      if (o.adjacency !== undefined || o.adjacency2 !== undefined)
        throw new NtkInputError(
          `--adjacency needs graph inputs: --x1 ${o.x1} must be node features of shape (N, V, C), got rank 2`,
        ); // (N, H, W, C) / (N, L, C): src/cli/commands/kernelSpatial.ts
      const x1 = readInputs('--x1', o.x1);
      const x2 = o.x2 === undefined ? null : readInputs('--x2', o.x2);
      if (x2 !== null && x2.cols !== x1.cols) {
        throw new NtkInputError(
          `--x2 ${o.x2} has ${x2.cols} features per row but --x1 ${o.x1} has ${x1.cols}`,
        );
      }
      if (model.inputShape !== null && (model.inputShape.length !== 1 || model.inputShape[0] !== x1.cols)) {
        throw new NtkInputError(
          `--x1 ${o.x1} has ${x1.cols} features per row but the model '${o.model}' expects inputShape [${model.inputShape.join(', ')}]`,
        );
      }
      const progress = await tileProgress(x1.rows * (x2 ?? x1).rows >= 4e6);
      const K = await computeKernel({ o, model, x1, x2, get, onProgress: progress.onProgress });
      progress.stop();
      writeKernel(o.out, o.get, K);
    });
}
