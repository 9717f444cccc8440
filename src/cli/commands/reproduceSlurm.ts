import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { ntkCommand, shellQuote } from '../../tiles/engine.js';
import { sbatch } from '../../tiles/slurm.js';

/**
 * `ntk reproduce … --slurm`: one Slurm array task per experiment of the preset, each running
 * `ntk reproduce <id>` so it writes its cached result into OUT/.cache, and a final job (afterok) that
 * runs the whole selection again — every result then comes from the cache — and writes the report.
 */
export function submitReproduceSlurm(
  ids: string[],
  o: { preset: string; out: string; seed: string; fresh: boolean; png: boolean; maxRunning?: string },
): void {
  const out = resolve(o.out);
  const sdir = join(out, '.slurm');
  mkdirSync(join(sdir, 'logs'), { recursive: true });
  const ntk = ntkCommand().map(shellQuote).join(' ');
  const common = ['--preset', o.preset, '--out', out, '--seed', o.seed].map(shellQuote).join(' ');
  const list = ids.map(shellQuote).join(' ');
  const task = join(sdir, 'experiment.sbatch');
  writeFileAtomic(
    task,
    [
      '#!/bin/bash',
      '#SBATCH --job-name=ntk-reproduce',
      `#SBATCH --output=${join(sdir, 'logs', 'experiment-%A_%a.out')}`,
      'set -euo pipefail',
      `ids=(${list})`,
      `exec ${ntk} reproduce "\${ids[$SLURM_ARRAY_TASK_ID]}" ${common} --no-png${o.fresh ? ' --fresh' : ''}`,
      '',
    ].join('\n'),
    { label: 'ntk reproduce --slurm' },
  );
  const report = join(sdir, 'report.sbatch');
  writeFileAtomic(
    report,
    [
      '#!/bin/bash',
      '#SBATCH --job-name=ntk-report',
      `#SBATCH --output=${join(sdir, 'logs', 'report-%j.out')}`,
      'set -euo pipefail',
      `exec ${ntk} reproduce ${list} ${common}${o.png ? '' : ' --no-png'}`,
      '',
    ].join('\n'),
    { label: 'ntk reproduce --slurm' },
  );
  const k = o.maxRunning === undefined ? '' : `%${Number(o.maxRunning)}`;
  const arrayJob = sbatch([`--array=0-${ids.length - 1}${k}`, task], sdir);
  const reportJob = sbatch([`--dependency=afterok:${arrayJob}`, '--kill-on-invalid-dep=yes', report], sdir);
  process.stdout.write(
    `ntk reproduce --slurm: array job ${arrayJob} over ${ids.length} experiments, report job ${reportJob} (afterok); logs in ${join(sdir, 'logs')}\n`,
  );
}
