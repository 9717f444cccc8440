import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { writeMatrix } from '../../io/npyFile.js';
import { checkOutputs, type PlannedOutput } from '../../io/outputPlan.js';
import { NtkInputError } from '../../errors.js';
import { tiledEigenpairs } from '../../tiles/eig.js';
import { PLAN_FILE } from '../../tiles/plan.js';
import { optionalPositiveInt as positiveInt } from '../args.js';
import { resultJson } from '../jsonResult.js';

/** `ntk eig RUN --top K`: top-K eigenpairs of a tiled kernel, streamed from its tiles (block Lanczos). */
export function registerEig(program: Command): void {
  program
    .command('eig')
    .description(
      'top-K eigenpairs of the kernel of a finished tile run, by block Lanczos over the tiles (the N×N kernel never sits in memory)',
    )
    .argument('<run>', 'run folder of `ntk tiles plan` (symmetric kernel, every tile done)')
    .requiredOption('--top <k>', 'number of eigenpairs (largest eigenvalues)')
    .requiredOption('--out <file>', 'JSON: eigenvalues, residuals, iterations')
    .option('--vectors <file>', 'also write the N×K eigenvectors as .npy')
    .option('--tol <t>', 'residual tolerance ‖K·v − λ·v‖ ≤ tol·λ₁', '1e-12')
    .action((dir: string, o: { top: string; out: string; vectors?: string; tol: string }) => {
      const tol = Number(o.tol);
      if (!(tol > 0 && tol < 1)) throw new NtkInputError(`--tol must be in (0, 1), got '${o.tol}'`);
      const outputs: PlannedOutput[] = [{ flag: '--out', path: o.out, kind: 'file' }];
      if (o.vectors) outputs.push({ flag: '--vectors', path: o.vectors, kind: 'file' });
      checkOutputs(outputs, [{ flag: '<run>', path: join(dir, PLAN_FILE) }]);
      const t0 = performance.now();
      const r = tiledEigenpairs(dir, positiveInt('--top', o.top)!, { tol });
      const seconds = (performance.now() - t0) / 1000;
      if (o.vectors) writeMatrix(o.vectors, r.vectors);
      writeFileAtomic(
        o.out,
        resultJson({
          command: 'ntk eig',
          run: dir,
          n: r.n,
          top: r.values.length,
          eigenvalues: Array.from(r.values),
          residuals: Array.from(r.residuals),
          converged: r.converged,
          iterations: r.iterations,
          restarts: r.restarts,
          passesOverTiles: r.products,
          seconds,
          peakRssBytes: process.resourceUsage().maxRSS * 1024,
          vectors: o.vectors ?? null,
          method: 'block Lanczos with thick restart (Wu & Simon 2000) over the tiled kernel',
        }),
        { label: 'ntk eig' },
      );
      process.stdout.write(
        `ntk eig: top ${r.values.length} of ${r.n}: λ₁ = ${r.values[0].toPrecision(8)}, λ_${r.values.length} = ${r.values[r.values.length - 1].toPrecision(8)}; ${r.products} passes over the tiles, ${seconds.toFixed(1)} s${r.converged ? '' : ' (NOT converged)'}; wrote ${o.out}\n`,
      );
      if (!r.converged) process.exitCode = 1;
    });
}
