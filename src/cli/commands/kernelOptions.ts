import { Option, type Command } from 'commander';

/**
 * The options of the finite-width branches of `ntk kernel` (`--empirical`, `--mc-width`): kernel.ts adds
 * them with `addFiniteWidthOptions` and loads kernelEmpirical.ts only when one of them is given.
 */
export interface FiniteWidthOptions {
  empirical?: boolean;
  params?: string;
  seed?: string;
  implementation?: string;
  memoryLimit?: string;
  mcWidth?: string;
  mcSamples?: string;
}

export function addFiniteWidthOptions(cmd: Command): Command {
  return cmd
    .option(
      '--empirical',
      'the empirical (finite-width) kernel of one network: parameters from --params DIR or --seed s',
    )
    .option(
      '--params <dir>',
      'with --empirical: parameter directory (dense{i}.W.npy, dense{i}.b.npy as written by `ntk params init`)',
    )
    .option(
      '--seed <s>',
      'with --empirical: initialize the parameters from this seed; with --mc-width: the Monte Carlo key',
    )
    .addOption(
      new Option(
        '--implementation <impl>',
        "with --empirical --get ntk: 'jacobian', 'ntvp' or 'structured' ('auto' picks the cheapest)",
      )
        .choices(['auto', 'jacobian', 'ntvp', 'structured'])
        .default('auto'),
    )
    .option(
      '--mc-width <W>',
      'Monte Carlo estimate with every hidden width set to W (needs --mc-samples and --seed)',
    )
    .option('--mc-samples <S>', 'Monte Carlo: number of independent initializations')
    .addHelpText(
      'after',
      [
        '',
        'Finite width:',
        '  ntk kernel --model mlp.json --empirical --seed 0 --x1 x.npy --get ntk --out K_emp.npy',
        '  ntk params init --model mlp.json --seed 0 --input-shape 10 --out params/ &&',
        '    ntk kernel --model mlp.json --empirical --params params/ --x1 x.npy --out K_emp.npy --implementation structured',
        '  ntk kernel --model mlp.json --mc-width 1024 --mc-samples 64 --seed 0 --x1 x.npy --get nngp --out K_mc.npy',
        'The empirical NTK is traced over the outputs (mean); --get nngp --empirical gives f(x1)·f(x2)ᵀ / O.',
      ].join('\n'),
    );
}

/** Whether any finite-width option was given (then kernelEmpirical.ts decides or refuses). */
export function wantsFiniteWidth(o: FiniteWidthOptions): boolean {
  return (
    o.empirical === true ||
    o.mcWidth !== undefined ||
    o.mcSamples !== undefined ||
    o.params !== undefined ||
    o.seed !== undefined ||
    (o.implementation !== undefined && o.implementation !== 'auto')
  );
}
