import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allExperiments } from '../../experiments/all.js';
import { codeVersion, fileCache } from '../../experiments/cache.js';
import { experimentCost } from '../../experiments/cost.js';
import { shortCitation } from '../../experiments/citation.js';
import { createRegistry, selectExperiments } from '../../experiments/registry.js';
import { runExperiments, type Outcome, type RunReporter } from '../../experiments/runner.js';
import type { Preset } from '../../experiments/types.js';
import { NtkInputError } from '../../errors.js';
import { checkOutputs } from '../../io/outputPlan.js';
import { getBackend } from '../../linalg/index.js';
import { checkReportSeed, readPresetResults } from '../../report/accumulate.js';
import { applyOverrides, parseOverrides } from '../../experiments/overrides.js';
import { MERGE_CONFLICTS, mergeReports, type MergeConflict } from '../../report/merge-report.js';
import { writeReport } from '../../report/write-report.js';
import { parseSeed } from '../args.js';
import { onStopSignal, signalExitCode, type StopSignal } from '../signals.js';
import { submitReproduceSlurm } from './reproduceSlurm.js';

/** The package root (dist/src/cli/commands → four levels up): the committed paper results and the lab build live there. */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

interface ReproduceOptions {
  preset: string;
  paperResults: string;
  labBase?: string;
  out: string;
  seed: string;
  fresh: boolean;
  cache: boolean;
  png: boolean;
}

type ReproduceCli = ReproduceOptions & {
  list?: boolean;
  slurm?: boolean;
  maxRunning?: string;
  mergeFrom?: string[];
  onConflict: string;
  set?: string[];
};

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

/** `ntk reproduce <id…>|all --preset quick|paper`: run the reproduction experiments and write the report. */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description(
      'reproduce published NTK claims (each cites its paper) and write report/index.html and report/results.json',
    )
    .argument('[ids...]', 'experiment ids or id prefixes (e.g. 003), or "all"', ['all'])
    .option('--preset <preset>', 'quick | paper', 'quick')
    .option('--out <dir>', 'report folder', 'report')
    .option('--seed <n>', 'root seed (each experiment gets its own key derived from it)', '0')
    .option('--fresh', 'ignore cached results (rerun everything)', false)
    .option('--no-cache', 'neither read nor write the cache')
    .option('--no-png', 'skip the PNG copies of the figures')
    .option(
      '--paper-results <file>',
      "the paper run shown in the report's paper column when OUT has no results.paper.json",
      join(PACKAGE_ROOT, 'docs', 'results', 'paper', 'results.json'),
    )
    .option(
      '--lab-base <url>',
      'the lab page the claims link to (default: the lab build, site/index.html, relative to OUT)',
    )
    .option(
      '--merge-from <dir>',
      'add the claims of another report folder of the same preset and seed to OUT (repeatable); runs nothing',
      (dir: string, prev: string[] | undefined) => [...(prev ?? []), dir],
    )
    .option(
      '--on-conflict <which>',
      'with --merge-from, a claim in both folders keeps: newer (generatedAt) | source | target',
      'newer',
    )
    .option(
      '--set <key=value>',
      "vary a setting of the preset's config (repeatable; a number, a comma-separated list, a string): a sensitivity run, into an OUT without the preset's own record of the claim",
      (kv: string, prev: string[] | undefined) => [...(prev ?? []), kv],
    )
    .option('--list', 'list the experiments and exit')
    .option('--slurm', 'submit to Slurm: an array task per experiment (cached results), then a report job')
    .option('--max-running <k>', 'with --slurm: at most K experiments at once')
    .addHelpText(
      'after',
      [
        '',
        'A run of a preset into OUT keeps the claims of earlier runs of that preset there (results.<preset>.json);',
        'a claim run again replaces its earlier record. Each claim records its own code version, time and backend.',
        '',
        'Examples:',
        '  ntk reproduce 002-cube-spectra --preset paper --out paper-report',
        '  ntk reproduce 003 --preset paper --out paper-report          # adds the 003 claims to the same report',
        '  ntk reproduce --merge-from other-build/paper-report --preset paper --out paper-report',
        '      # copies the claims of another report folder (same preset and seed) with their figures and data;',
        '      # a claim in both keeps the newer run unless --on-conflict source|target says otherwise',
        '  ntk reproduce 000-depth --preset paper --set lrFactor=0.75 --set depths=2,6 --out depth-lr',
        '      # a sensitivity run: the paper config with η halved, at depths 2 and 6 only; the report says what was varied',
      ].join('\n'),
    )
    .action(async (ids: string[], opts: ReproduceCli) => {
      const registry = createRegistry(allExperiments);
      if (opts.list) {
        // with --set: the selected experiments, each at the paper config with the settings varied
        const sets = opts.set === undefined ? undefined : parseOverrides(opts.set);
        const listed = sets === undefined ? registry.experiments : selectExperiments(registry, ids);
        for (const e of listed) {
          const c = experimentCost(
            e,
            'paper',
            sets === undefined ? e.presets.paper : applyOverrides(e, e.presets.paper, sets),
          );
          process.stdout.write(
            `${e.id}\t~${e.expectedSeconds.quick} s quick, paper ≈ ${(c.seconds / 60).toFixed(0)} min (≤ ${(c.upperSeconds / 60).toFixed(0)} min), ${(c.bytes / 2 ** 20).toFixed(0)} MiB\t` +
              `${shortCitation(e.source)}, ${e.source.arxiv ? `arXiv:${e.source.arxiv}` : e.source.url} — ${e.source.where}\n`,
          );
        }
        return;
      }
      if (opts.preset !== 'quick' && opts.preset !== 'paper') {
        throw new NtkInputError(`--preset must be 'quick' or 'paper', got '${opts.preset}'`);
      }
      const preset: Preset = opts.preset;
      const rootSeed = parseSeed('--seed', opts.seed);
      const selected = selectExperiments(registry, ids);
      const overrides = opts.set === undefined ? undefined : parseOverrides(opts.set);
      if (overrides !== undefined) {
        if (opts.slurm) throw new NtkInputError('--set: not with --slurm (run the varied config here)');
        if (opts.mergeFrom !== undefined)
          throw new NtkInputError('--set: not with --merge-from (it runs nothing)');
        for (const e of selected) applyOverrides(e, e.presets[preset], overrides);
      }
      if (opts.slurm)
        return submitReproduceSlurm(
          selected.map((e) => e.id),
          opts,
        );
      const outDir = resolve(opts.out);
      checkOutputs([{ flag: '--out', path: outDir, kind: 'dir' }], []);
      const order = registry.experiments.map((e) => e.id);
      const labBase = opts.labBase ?? `${relative(outDir, join(PACKAGE_ROOT, 'site')) || '.'}/index.html`;
      const otherResults = { paper: resolve(opts.paperResults) };
      if (opts.mergeFrom !== undefined) {
        if (!(ids.length === 1 && ids[0] === 'all')) {
          throw new NtkInputError(`--merge-from runs no experiment: give no ids, got '${ids.join(' ')}'`);
        }
        if (!(MERGE_CONFLICTS as readonly string[]).includes(opts.onConflict)) {
          throw new NtkInputError(
            `--on-conflict must be ${MERGE_CONFLICTS.join(' | ')}, got '${opts.onConflict}'`,
          );
        }
        const { decisions, files } = mergeReports(opts.mergeFrom, {
          outDir,
          preset,
          rootSeed,
          onConflict: opts.onConflict as MergeConflict,
          otherResults,
          labBase,
          order,
        });
        for (const d of decisions) {
          process.stdout.write(`${d.action.padEnd(8)} ${d.id} from ${d.from}${d.why ? ` (${d.why})` : ''}\n`);
        }
        process.stdout.write(`report: ${files.index} (${files.all.length} claims of preset ${preset})\n`);
        return;
      }
      checkReportSeed(outDir, preset, rootSeed);
      if (overrides !== undefined) {
        // a varied run must not replace the record of the preset's own config (e.g. in docs/results/paper)
        const earlier = readPresetResults(outDir, preset);
        const own = earlier?.results.claims.find(
          (c) =>
            selected.some((e) => e.id === c.id) && c.verdict !== 'not-run' && (c.varied ?? []).length === 0,
        );
        if (own !== undefined)
          throw new NtkInputError(
            `--set: ${earlier!.file} holds the ${preset} preset's own record of ${own.id}, which this varied run would replace; give another --out`,
          );
      }
      const version = codeVersion();
      const backend = getBackend().name;

      // Ctrl-C, SIGTERM or SIGHUP once: stop after (or inside, if it checks the signal) the current experiment
      // and write the report. A second signal: exit at once.
      const controller = new AbortController();
      let stoppedBy: StopSignal = 'SIGINT';
      const removeStop = onStopSignal((sig) => {
        stoppedBy = sig;
        process.stderr.write(
          `\nntk reproduce: ${sig} — finishing the current experiment (a second signal quits now)\n`,
        );
        controller.abort(new Error('interrupted'));
      });
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
          overrides,
        }).finally(() => progress.stop());
        const files = await writeReport(summary.outcomes, {
          outDir,
          preset,
          rootSeed,
          codeVersion: version,
          backend,
          png: opts.png,
          otherResults,
          labBase,
          order,
        });
        const seconds = (performance.now() - t0) / 1000;
        for (const c of files.claims) process.stdout.write(`${c.verdict.padEnd(8)} ${c.id}\n`);
        const kept = files.all.filter((c) => !files.claims.some((x) => x.id === c.id)).length;
        process.stdout.write(
          `report: ${files.index} (${files.figures} figures, ${seconds.toFixed(1)} s, backend ${backend}` +
            `${kept > 0 ? `; ${kept} claims of earlier runs of preset ${preset} kept` : ''})\n`,
        );
        if (summary.interrupted) {
          process.stdout.write(
            'interrupted: finished experiments are cached; rerun the same command to resume\n',
          );
          process.exitCode = signalExitCode(stoppedBy);
        } else if (files.claims.some((c) => c.verdict === 'error')) {
          process.exitCode = 1;
        }
      } finally {
        removeStop();
      }
    });
}
