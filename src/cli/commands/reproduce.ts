import type { Command } from 'commander';

/** `ntk reproduce`: placeholder until the experiments registry (issue 8) lands. */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('reproduce the claims of the seed documents (experiments registry: not built yet)')
    .argument('[ids...]', 'experiment ids, or "all"')
    .option('--preset <preset>', 'quick | full', 'quick')
    .action(() => {
      process.stdout.write('ntk reproduce: the experiments registry is not built yet (issue 8).\n');
    });
}
