import type { Command } from 'commander';
import { checkOutputs } from '../../io/outputPlan.js';
import { writeParamsDir } from '../../io/paramsDir.js';
import { loadModel } from '../../nn/model.js';
import { paramCount } from '../../nn/params.js';
import { PRNGKey } from '../../random/index.js';
import { parseInputShape, parseSeed } from '../args.js';
import { deferSignals } from '../signals.js';

interface InitOptions {
  model: string;
  seed: string;
  out: string;
  inputShape?: string;
  force?: boolean;
}

/** `ntk params init --model m.json --seed s --out DIR`: seeded init written as DIR/dense{i}.W.npy, DIR/dense{i}.b.npy. */
export function registerParams(program: Command): void {
  const params = program
    .command('params')
    .description('network parameters as a directory of .npy files (readable by NumPy / PyTorch)');
  params
    .command('init')
    .description(
      "initialize a model's parameters from a seed and write them as DIR/dense{i}.W.npy (shape in×out) and " +
        'DIR/dense{i}.b.npy (shape out), i = 0, 1, … in network order. Values are the trainable parameters: ' +
        "for the 'ntk' parameterization the raw N(0,1) draws (the W_std/√n_in scaling is applied in the forward map). " +
        'Each file is replaced atomically and nothing else in DIR is touched; a DIR holding parameter files of ' +
        'another model is refused unless --force. The same layout is read by --params wherever parameters are read.',
    )
    .requiredOption('--model <path>', 'model JSON file')
    .requiredOption('--seed <s>', 'integer seed (PRNGKey(seed))')
    .requiredOption('--out <dir>', 'output directory')
    .option('--force', 'replace parameter files of another model in DIR (dense7.W.npy, other shapes, …)')
    .option('--input-shape <d>', "input feature shape, e.g. 10 or 8,8,1 (default: the model's inputShape)")
    .addHelpText(
      'after',
      '\nExample:\n  ntk params init --model mlp.json --seed 0 --input-shape 10 --out params/\n' +
        '  python3 -c "import numpy as np; print(np.load(\'params/dense0.W.npy\').shape)"',
    )
    .action((o: InitOptions) => {
      checkOutputs([{ flag: '--out', path: o.out, kind: 'dir' }], [{ flag: '--model', path: o.model }]);
      const model = loadModel(o.model);
      const inShape =
        o.inputShape !== undefined ? parseInputShape('--input-shape', o.inputShape) : model.inputShape;
      if (!inShape) throw new Error(`--input-shape is required: the model '${o.model}' has no inputShape`);
      if (
        model.inputShape &&
        o.inputShape !== undefined &&
        model.inputShape.join(',') !== inShape.join(',')
      ) {
        throw new Error(
          `--input-shape ${inShape.join(',')} disagrees with the model's inputShape ${model.inputShape.join(',')}`,
        );
      }
      const p = model.net.init(PRNGKey(parseSeed('--seed', o.seed)), inShape);
      deferSignals();
      writeParamsDir(o.out, model.net, p, { force: o.force === true });
      process.stderr.write(
        `ntk params: wrote ${paramCount(p)} parameters of '${o.model}' (seed ${o.seed}) to ${o.out}\n`,
      );
    });
}
