import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { join, resolve } from 'node:path';
import { allExperiments } from '../../experiments/all.js';
import { codeVersion, fileCache } from '../../experiments/cache.js';
import { shortCitation } from '../../experiments/citation.js';
import { createRegistry, selectExperiments } from '../../experiments/registry.js';
import { runExperiments, type Outcome, type RunReporter } from '../../experiments/runner.js';
import type { Preset } from '../../experiments/types.js';
import { getBackend } from '../../linalg/select.js';
import { writeReport } from '../../report/write-report.js';

interface ReproduceOptions {
  preset: string;
  out: string;
  seed: string;
  fresh: boolean;
  cache: boolean;
  png: boolean;
}

function outcomeLine(o: Outcome): string {
  const v = o.verdict ? o.verdict.verdict : o.status;
  const t =
    o.seconds === undefined ? '' : ` ${o.seconds.toFixed(1)} s${o.status === 'cached' ? ' (cached)' : ''}`;
  return `${o.experiment.id}: ${v}${t}${o.error ? ` — ${o.error}` : ''}`;
}

/** Progress: a bar on a terminal (experiments done + the fraction of the current one), plain lines otherwise. */
function progressReporter(): { reporter: RunReporter; stop(): void } {
  if (!process.stderr.isTTY) {
    return {
      reporter: {
        start: (i, n, e) => process.stderr.write(`[${i + 1}/${n}] ${e.id} …\n`),
        finish: (i, n, o) => process.stderr.write(`[${i + 1}/${n}] ${outcomeLine(o)}\n`),
      },
      stop: () => undefined,
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {done}/{count} | {id} {note}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  const SCALE = 1000;
  return {
    reporter: {
      start(i, n, e) {
        bar ??= multi.create(n * SCALE, 0, { done: 0, count: n, id: '', note: '' });
        bar.update(i * SCALE, { done: i, count: n, id: e.id, note: '' });
      },
      progress(i, _n, e, f, note) {
        bar?.update(Math.round((i + f) * SCALE), { id: e.id, note: note ?? '' });
      },
      finish(i, n, o) {
        multi.log(`${outcomeLine(o)}\n`);
        bar?.update((i + 1) * SCALE, { done: i + 1, count: n, id: '', note: '' });
      },
    },
    stop: () => multi.stop(),
  };
}

/** `ntk reproduce <id…>|all --preset quick|full`: run the reproduction experiments and write the report (issue 8). */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(
      'reproduce published NTK claims (each cites its paper) and write report/index.html and report/results.json',
    )
    .argument('[ids...]', 'experiment ids or id prefixes (e.g. 003), or "all"', ['all'])
    .option('--preset <preset>', 'quick | full', 'quick')
    .option('--out <dir>', 'report folder', 'report')
    .option('--seed <n>', 'root seed (each experiment gets its own key derived from it)', '0')
    .option('--fresh', 'ignore cached results (rerun everything)', false)
    .option('--no-cache', 'neither read nor write the cache')
    .option('--no-png', 'skip the PNG copies of the figures')
    .option('--list', 'list the experiments and exit')
    .action(async (ids: string[], opts: ReproduceOptions & { list?: boolean }) => {
      const registry = createRegistry(allExperiments);
      if (opts.list) {
        for (const e of registry.experiments) {
          process.stdout.write(
            `${e.id}\t~${e.expectedSeconds.quick} s quick, ~${e.expectedSeconds.full} s full\t` +
              `${shortCitation(e.source)}, ${e.source.arxiv ? `arXiv:${e.source.arxiv}` : e.source.url} — ${e.source.where}\n`,
          );
        }
        return;
      }
      if (opts.preset !== 'quick' && opts.preset !== 'full') {
        throw new Error(`--preset must be 'quick' or 'full', got '${opts.preset}'`);
      }
      const preset: Preset = opts.preset;
      const rootSeed = Number(opts.seed);
      if (!Number.isSafeInteger(rootSeed)) throw new Error(`--seed must be an integer, got '${opts.seed}'`);
      const selected = selectExperiments(registry, ids);
      const outDir = resolve(opts.out);
      const version = codeVersion();
      const backend = getBackend().name;

      // Ctrl-C once: stop after (or inside, if it checks the signal) the current experiment and write the report.
      // Ctrl-C twice: exit at once.
      const controller = new AbortController();
      const onSigint = (): void => {
        if (controller.signal.aborted) process.exit(130);
        process.stderr.write(
          '\nntk reproduce: interrupted — finishing the current experiment (Ctrl-C again to quit now)\n',
        );
        controller.abort(new Error('interrupted'));
      };
      process.on('SIGINT', onSigint);
      const progress = progressReporter();
      const t0 = performance.now();
      try {
        const summary = await runExperiments(selected, {
          preset,
          rootSeed,
          cache: opts.cache ? fileCache(join(outDir, '.cache')) : undefined,
          codeVersion: version,
          fresh: opts.fresh,
          signal: controller.signal,
          reporter: progress.reporter,
        }).finally(() => progress.stop());
        const files = await writeReport(summary.outcomes, {
          outDir,
          preset,
          rootSeed,
          codeVersion: version,
          backend,
          png: opts.png,
        });
        const seconds = (performance.now() - t0) / 1000;
        for (const c of files.claims) process.stdout.write(`${c.verdict.padEnd(8)} ${c.id}\n`);
        process.stdout.write(
          `report: ${files.index} (${files.figures} figures, ${seconds.toFixed(1)} s, backend ${backend})\n`,
        );
        if (summary.interrupted) {
          process.stdout.write(
            'interrupted: finished experiments are cached; rerun the same command to resume\n',
          );
          process.exitCode = 130;
        } else if (files.claims.some((c) => c.verdict === 'error')) {
          process.exitCode = 1;
        }
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
