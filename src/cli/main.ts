import { Command } from 'commander';
import { registerReproduce } from './commands/reproduce.js';

/**
 * The `ntk` command line. Each sub-command lives in `cli/commands/<name>.ts` and registers itself here.
 */
const program = new Command();
program
  .name('ntk')
  .description('ntk-lab: Neural Tangent Kernel toolkit — kernels, training dynamics, spectra, reproductions')
  .showHelpAfterError();

registerReproduce(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ntk: error: ${msg}\n`);
  process.exit(1);
});
