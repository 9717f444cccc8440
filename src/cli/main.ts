import { Command } from 'commander';
import { registerReproduce } from './commands/reproduce.js';
import { registerParams } from './commands/params.js';
import { registerTrain } from './commands/train.js';
import { registerPredict } from './commands/predict.js';
import { registerKernel } from './commands/kernel.js';
import { registerSpectrum } from './commands/spectrum.js';
import { registerDigits } from './commands/digits.js';
import { registerTiles } from './commands/tiles.js';
import { registerEig } from './commands/eig.js';

/**
 * The `ntk` command line. Each sub-command lives in `cli/commands/<name>.ts` and registers itself here.
 */
const program = new Command();
program
  .name('ntk')
  .description('ntk-lab: Neural Tangent Kernel toolkit — kernels, training dynamics, spectra, reproductions')
  .showHelpAfterError();

registerReproduce(program);
registerParams(program);
registerTrain(program);
registerPredict(program);
registerKernel(program);
registerSpectrum(program);
registerDigits(program);
registerTiles(program);
registerEig(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ntk: error: ${msg}\n`);
  process.exit(1);
});
