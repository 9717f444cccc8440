import type { Command } from 'commander';
import { NtkInputError } from '../../errors.js';
import { mergeTiles } from '../../tiles/merge.js';
import { makePlan, writePlan } from '../../tiles/plan.js';
import { runTiles } from '../../tiles/run.js';
import { tilesStatus } from '../../tiles/status.js';
import { parseTileList } from '../../tiles/taskGroups.js';
import { parseSeed } from '../args.js';
import { registerTilesEngines } from './tilesEngines.js';
import { optionalPositiveInt as positiveInt } from '../args.js';

/** The tile index of this process: --index, else the Slurm array task id, else the Kubernetes completion index. */
function tileIndex(flag: string | undefined): number | undefined {
  const src: [string, string | undefined][] = [
    ['--index', flag],
    ['SLURM_ARRAY_TASK_ID', process.env.SLURM_ARRAY_TASK_ID],
    ['JOB_COMPLETION_INDEX', process.env.JOB_COMPLETION_INDEX],
  ];
  for (const [name, v] of src) {
    if (v === undefined || v === '') continue;
    const i = Number(v);
    if (!Number.isInteger(i) || i < 0)
      throw new NtkInputError(`${name} must be a tile index ≥ 0, got '${v}'`);
    return i;
  }
  return undefined;
}

function fmtSeconds(s: number): string {
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

interface PlanCli {
  model: string;
  x1: string;
  x2?: string;
  get: string;
  tile: string;
  dir: string;
  empirical?: boolean;
  params?: string;
  seed?: string;
}

/**
 * `ntk tiles …`: a kernel as a grid of independent tiles (docs/conventions.md §5) — plan, run (one tile or all
 * pending), status, merge; `submit --slurm` and `k8s` (tilesEngines.ts) hand the tiles to a cluster.
 */
export function registerTiles(program: Command): void {
  const tiles = program
    .command('tiles')
    .description(
      'a kernel as a grid of tiles, each independent work and one atomic .npy with a checksum: plan, run, status, merge; submit to Slurm or write a Kubernetes Indexed Job',
    );

  tiles
    .command('plan')
    .description(
      'write the plan (model, inputs’ hashes, kernel kind, tile grid, code version) into a run folder',
    )
    .requiredOption('--model <path>', 'model JSON file')
    .requiredOption('--x1 <path>', 'inputs .npy (N1, d) or (N1, H, W, C)')
    .option('--x2 <path>', 'second inputs (default: x1 — symmetric, upper tiles only)')
    .option('--get <which>', "'nngp' or 'ntk'", 'ntk')
    .option('--tile <n>', 'tile edge (rows and columns per tile)', '2000')
    .option('--empirical', 'the empirical kernel of one network (parameters from --params DIR or --seed s)')
    .option('--params <dir>', 'with --empirical: parameter directory (as written by `ntk params init`)')
    .option('--seed <s>', 'with --empirical: initialize the parameters from this seed')
    .requiredOption('--dir <run>', 'run folder (created; an existing one must hold the same plan)')
    .action((o: PlanCli) => {
      if (o.get !== 'nngp' && o.get !== 'ntk')
        throw new NtkInputError(`--get must be 'nngp' or 'ntk', got '${o.get}'`);
      if (!o.empirical && (o.params !== undefined || o.seed !== undefined))
        throw new NtkInputError('--params / --seed need --empirical');
      const plan = makePlan({
        model: o.model,
        x1: o.x1,
        x2: o.x2 ?? null,
        get: o.get,
        tile: positiveInt('--tile', o.tile)!,
        method: o.empirical ? 'empirical' : 'analytic',
        params: o.params ?? null,
        seed: o.seed === undefined ? null : parseSeed('--seed', o.seed),
      });
      const { created } = writePlan(o.dir, plan);
      process.stdout.write(
        `ntk tiles plan: ${created ? 'wrote' : 'kept the same'} plan in ${o.dir}: ${plan.get} ${plan.n1}×${plan.n2} in ${plan.tiles} tiles of ${plan.tile}${plan.symmetric ? ' (symmetric: upper triangle)' : ''}, code ${plan.codeVersion}, backend ${plan.backend}\n`,
      );
    });

  tiles
    .command('run')
    .description(
      'compute tiles: --index I (default $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX), --tiles LIST (an array task of grouped tiles), or with neither every tile not done; finished tiles are skipped, missing, corrupt or failed ones computed',
    )
    .argument('<run>', 'run folder')
    .option('--index <i>', 'tile index')
    .option(
      '--tiles <list>',
      "these tiles, e.g. '3,5,9' or '0-4,7' (what `submit --tiles-per-task` gives each task)",
    )
    .option('--threads <n>', 'threads per tile (default: all cores)')
    .action(async (dir: string, o: { index?: string; tiles?: string; threads?: string }) => {
      if (o.index !== undefined && o.tiles !== undefined)
        throw new NtkInputError('ntk tiles run: give --index or --tiles, not both');
      const indices = o.tiles === undefined ? undefined : parseTileList(o.tiles);
      const index = indices === undefined ? tileIndex(o.index) : undefined;
      const controller = new AbortController();
      const stop = (sig: string) => (): void => {
        process.stderr.write(`ntk tiles run: ${sig} — stopping after the current tile\n`);
        controller.abort();
      };
      const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, stop(s)] as const);
      for (const [s, h] of handlers) process.on(s, h);
      try {
        const r = await runTiles(dir, {
          index,
          indices,
          threads: positiveInt('--threads', o.threads),
          signal: controller.signal,
          onTile: (e) => {
            if (e.state === 'computed')
              process.stderr.write(
                `ntk tiles run: tile ${e.tile.index} done in ${e.seconds!.toFixed(2)} s\n`,
              );
            else if (e.state === 'error')
              process.stderr.write(`ntk tiles run: tile ${e.tile.index} failed: ${e.error}\n`);
            else if (e.state === 'done')
              process.stderr.write(`ntk tiles run: tile ${e.tile.index} already done\n`);
            else
              process.stderr.write(
                `ntk tiles run: tile ${e.tile.index} (rows ${e.tile.r0}–${e.tile.r1 - 1}, columns ${e.tile.c0}–${e.tile.c1 - 1})${e.state === 'pending' ? '' : ` was ${e.state}`} …\n`,
              );
          },
        });
        process.stdout.write(
          `ntk tiles run: ${r.computed.length} computed, ${r.skipped.length} already done, ${r.failed.length} failed${r.interrupted ? ', interrupted' : ''}\n`,
        );
        if (r.failed.length > 0) process.exitCode = 1;
        else if (r.interrupted) process.exitCode = 130;
      } finally {
        for (const [s, h] of handlers) process.off(s, h);
      }
    });

  tiles
    .command('status')
    .description('done / pending / failed tiles, time per tile, estimate to finish')
    .argument('<run>', 'run folder')
    .option('--json', 'print JSON')
    .option('--verify', 'check every finished tile against its checksum (reads them all)')
    .action((dir: string, o: { json?: boolean; verify?: boolean }) => {
      const s = tilesStatus(dir, !!o.verify);
      if (o.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
        return;
      }
      const lines = [
        `${s.dir}: ${s.method} ${s.get} ${s.n1}×${s.n2}, ${s.total} tiles of ${s.tile}`,
        `  done ${s.done}, pending ${s.pending}, failed ${s.failed}, corrupt ${s.corrupt}`,
      ];
      if (s.secondsPerTile)
        lines.push(
          `  time per tile: mean ${fmtSeconds(s.secondsPerTile.mean)} (min ${fmtSeconds(s.secondsPerTile.min)}, max ${fmtSeconds(s.secondsPerTile.max)}); peak RSS ${(s.peakRssBytes! / 2 ** 20).toFixed(0)} MiB`,
        );
      if (s.etaSeconds !== null)
        lines.push(`  estimate to finish: ${s.etaSeconds === 0 ? 'finished' : fmtSeconds(s.etaSeconds)}`);
      for (const f of s.failures) lines.push(`  tile ${f.index} failed: ${f.error}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  tiles
    .command('merge')
    .description('stream the finished tiles into one N1×N2 float64 .npy (memory: one tile row)')
    .argument('<run>', 'run folder')
    .requiredOption('--out <file>', 'output .npy')
    .action((dir: string, o: { out: string }) => {
      const r = mergeTiles(dir, o.out);
      process.stderr.write(`ntk tiles merge: wrote ${r.rows}×${r.cols} to ${o.out}\n`);
    });

  registerTilesEngines(tiles);
}
