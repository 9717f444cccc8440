import { Command } from 'commander';

/**
 * The `ntk` command line. Each sub-command lives in `cli/commands/<name>.ts` and is loaded only when it
 * runs (or when its help is asked for): `ntk --help` loads none of them, so start-up stays fast.
 */
interface SubCommand {
  readonly name: string;
  /** The one-line summary in `ntk --help`. */
  readonly summary: string;
  readonly register: () => Promise<(program: Command) => void>;
}

const SUB_COMMANDS: readonly SubCommand[] = [
  {
    name: 'reproduce',
    summary: 'reproduce published NTK claims (each cites its paper) and write the HTML report',
    register: async () => (await import('./commands/reproduce.js')).registerReproduce,
  },
  {
    name: 'params',
    summary: 'network parameters as a directory of .npy files (init)',
    register: async () => (await import('./commands/params.js')).registerParams,
  },
  {
    name: 'train',
    summary: 'train a finite network and record loss, outputs and NTK snapshots',
    register: async () => (await import('./commands/train.js')).registerTrain,
  },
  {
    name: 'predict',
    summary: 'closed-form MSE training dynamics from a kernel (GD, gradient flow, t = ∞)',
    register: async () => (await import('./commands/predict.js')).registerPredict,
  },
  {
    name: 'kernel',
    summary: 'NNGP/NTK matrix of a model: infinite width, empirical or Monte Carlo',
    register: async () => (await import('./commands/kernel.js')).registerKernel,
  },
  {
    name: 'spectrum',
    summary: 'spectra of dot-product kernels: boolean cube, sphere, circle with a density',
    register: async () => (await import('./commands/spectrum.js')).registerSpectrum,
  },
  {
    name: 'digits',
    summary: 'CNTK / NTK kernel regression and a trained CNN on the 8×8 digits',
    register: async () => (await import('./commands/digits.js')).registerDigits,
  },
  {
    name: 'tiles',
    summary: 'a kernel as tiles: plan, run, status, merge; Slurm arrays and Kubernetes Indexed Jobs',
    register: async () => (await import('./commands/tiles.js')).registerTiles,
  },
  {
    name: 'eig',
    summary: 'top-K eigenpairs of a tiled kernel, streamed from its tiles (block Lanczos)',
    register: async () => (await import('./commands/eig.js')).registerEig,
  },
];

async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('ntk')
    .description(
      'ntk-lab: Neural Tangent Kernel toolkit — kernels, training dynamics, spectra, reproductions',
    )
    .showHelpAfterError();
  const first = argv[2] === 'help' ? argv[3] : argv[2];
  for (const c of SUB_COMMANDS) {
    if (c.name === first) {
      (await c.register())(program);
      program.commands.find((k) => k.name() === c.name)?.summary(c.summary);
    } else program.command(c.name).summary(c.summary).description(c.summary);
  }
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ntk: error: ${msg}\n`);
  process.exit(1);
});
