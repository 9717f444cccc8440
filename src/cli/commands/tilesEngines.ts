import type { Command } from 'commander';
import { writeFileAtomic } from '../../io/atomicWrite.js';
import { NtkInputError } from '../../errors.js';
import { k8sJobYaml } from '../../tiles/k8s.js';
import { submitSlurm } from '../../tiles/slurm.js';
import { optionalPositiveInt as positiveInt } from '../args.js';

/** `ntk tiles submit --slurm` and `ntk tiles k8s`: the engines that run the tiles (ntk-lab never schedules). */
export function registerTilesEngines(tiles: Command): void {
  tiles
    .command('submit')
    .description(
      'submit the pending tiles as a Slurm job array (sbatch --array over the tiles not done) plus a merge job after them (afterok)',
    )
    .argument('<run>', 'run folder')
    .option('--slurm', 'submit to Slurm (the only engine with a submit command; Kubernetes: `ntk tiles k8s`)')
    .option('--partition <p>', 'Slurm partition')
    .option('--cpus <c>', 'CPUs per task (= threads per tile)', '1')
    .option(
      '--mem <m>',
      'memory per task, Slurm syntax (2G, 1500M; no suffix = MiB). Default: the planned peak of one task (runtime + inputs + the largest tile’s arrays) plus 25 %; a request below the planned peak is refused. Without a request Slurm may give each task the whole node, so the tasks run one at a time',
    )
    .option('--time <t>', 'time limit per task, e.g. 01:00:00')
    .option('--max-running <k>', 'at most K array tasks at once')
    .option(
      '--tiles-per-task <k>',
      'group about K tiles into each array task (balanced by work), so a task’s start-up and Slurm’s per-task scheduling are paid once per group',
      '1',
    )
    .option('--out <file>', 'merged kernel .npy (default RUN/kernel.npy)')
    .option('--no-merge', 'no merge job')
    .action(
      (
        dir: string,
        o: {
          slurm?: boolean;
          partition?: string;
          cpus: string;
          mem?: string;
          time?: string;
          maxRunning?: string;
          tilesPerTask: string;
          out?: string;
          merge: boolean;
        },
      ) => {
        if (!o.slurm)
          throw new NtkInputError(
            'ntk tiles submit needs --slurm (for Kubernetes write a Job with `ntk tiles k8s`)',
          );
        const s = submitSlurm(dir, {
          partition: o.partition,
          cpus: positiveInt('--cpus', o.cpus),
          mem: o.mem,
          time: o.time,
          maxRunning: positiveInt('--max-running', o.maxRunning),
          tilesPerTask: positiveInt('--tiles-per-task', o.tilesPerTask),
          out: o.merge ? o.out : null,
        });
        process.stdout.write(
          `ntk tiles submit: ${s.arrayJob === null ? 'no pending tiles' : `array job ${s.arrayJob} over ${s.indices.length} tiles${s.tasks === undefined ? '' : ` in ${s.tasks.length} tasks`} (--mem ${s.mem} per task)`}${s.mergeJob ? `, merge job ${s.mergeJob}${s.arrayJob ? ' (afterok)' : ''}` : ''}\n`,
        );
      },
    );

  tiles
    .command('k8s')
    .description(
      'write a Kubernetes Indexed Job (batch/v1) manifest, YAML, that computes the tiles of the plan',
    )
    .argument('<run>', 'run folder')
    .option('--image <i>', 'container image with ntk installed', 'ntk-lab:latest')
    .option('--parallelism <k>', 'pods at once (default min(tiles, 8))')
    .option('--name <n>', 'Job name', 'ntk-tiles')
    .option('--namespace <ns>', 'namespace')
    .option('--claim <pvc>', 'PersistentVolumeClaim holding the run folder and inputs (default: a hostPath)')
    .option(
      '--mount <path>',
      'where the volume is mounted (default: the folder holding the run, model and inputs)',
    )
    .option('--cpus <c>', 'CPUs per pod (= threads per tile)', '1')
    .option(
      '--mem <m>',
      'memory per pod, a Kubernetes quantity (e.g. 2Gi). Default: the planned peak of one pod plus 25 %',
    )
    .option('--out <file>', 'manifest file (default: stdout)')
    .action(
      (
        dir: string,
        o: {
          image: string;
          parallelism?: string;
          name: string;
          namespace?: string;
          claim?: string;
          mount?: string;
          cpus: string;
          mem?: string;
          out?: string;
        },
      ) => {
        const yaml = k8sJobYaml(dir, {
          image: o.image,
          parallelism: positiveInt('--parallelism', o.parallelism),
          name: o.name,
          namespace: o.namespace,
          claim: o.claim,
          mountPath: o.mount,
          cpus: positiveInt('--cpus', o.cpus),
          mem: o.mem,
        });
        if (o.out) writeFileAtomic(o.out, yaml, { label: 'ntk tiles k8s' });
        else process.stdout.write(yaml);
      },
    );
}
