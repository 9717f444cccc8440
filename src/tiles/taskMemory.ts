import { NtkInputError } from '../errors.js';
import { DEFAULT_SPATIAL_BUDGET } from '../kernels/spatialKernelFn.js';
import { formatBytes } from '../memoryLimit.js';
import type { TilePlan } from './plan.js';

/**
 * The memory one engine task (a Slurm array task, a Kubernetes pod) of a tile plan needs, planned from the
 * plan before anything is submitted (docs/conventions.md §4), so that the scheduler is asked for what the
 * task uses. Without a request Slurm gives a job the whole node's memory where memory is a consumable
 * resource (`SelectTypeParameters=CR_*_Memory`), and the array tasks then run one after the other.
 *
 * A task holds the Node.js runtime with the model, both inputs whole (a tile reads rows of them), and for its
 * largest tile the result arrays (NNGP, and the NTK when asked: 8 bytes per entry each) plus one tile-sized
 * buffer (a done tile read back to check its checksum); spatial inputs add, per thread, one kernel record of the spatial kernelFn's budget and a
 * worker isolate; an empirical tile adds a working allowance inside which the empirical NTK sizes its own
 * blocks against NTK_MEMORY_LIMIT.
 */

/** The Node.js runtime, ntk-lab's code and the model: measured ≈ 190 MiB RSS for a task of tiny tiles. */
export const TASK_RUNTIME_BYTES = 256 * 2 ** 20;
/** A worker thread's isolate, per thread beyond the first, on spatial inputs. */
const WORKER_BYTES = 64 * 2 ** 20;
/** What an empirical tile may use for Jacobian blocks and caches (the empirical NTK plans inside it). */
const EMPIRICAL_WORKING_BYTES = 2 ** 30;
/** Margin on the planned peak when it becomes the request (allocator slack, V8 heap growth). */
export const TASK_MEMORY_MARGIN = 1.25;

/** The planned peak of one task, by part, in bytes. */
export interface TaskMemory {
  readonly runtime: number;
  readonly inputs: number;
  /** Results and one read-back buffer of the largest tile, plus (spatial) records and worker isolates. */
  readonly tile: number;
  /** Empirical plans: the allowance the empirical NTK plans its blocks in. */
  readonly working: number;
  /** runtime + inputs + tile + working. */
  readonly total: number;
  /** The memory to request: total × TASK_MEMORY_MARGIN, rounded up to MiB. */
  readonly requestMiB: number;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The planned peak memory of one task running the tiles of `plan` on `cpus` threads. */
export function taskMemory(plan: TilePlan, cpus: number): TaskMemory {
  const features = prod(plan.x1.shape.slice(1));
  const inputs = 8 * features * (plan.x1.shape[0] + (plan.x2 === null ? 0 : plan.x2.shape[0]));
  const entries = Math.min(plan.tile, plan.n1) * Math.min(plan.tile, plan.n2);
  const kernels = plan.method === 'analytic' && plan.get === 'ntk' ? 2 : 1;
  const spatial = plan.x1.shape.length > 2;
  const tile =
    8 * entries * (kernels + 1) + (spatial ? cpus * DEFAULT_SPATIAL_BUDGET + (cpus - 1) * WORKER_BYTES : 0);
  const working = plan.method === 'empirical' ? EMPIRICAL_WORKING_BYTES : 0;
  const total = TASK_RUNTIME_BYTES + inputs + tile + working;
  return {
    runtime: TASK_RUNTIME_BYTES,
    inputs,
    tile,
    working,
    total,
    requestMiB: Math.ceil((total * TASK_MEMORY_MARGIN) / 2 ** 20),
  };
}

/** Slurm's memory syntax (`--mem`): an integer with an optional K, M, G or T suffix (binary); no suffix is MiB. */
export function parseSlurmMem(flag: string, s: string): number {
  const m = /^(\d+)([KMGT]?)$/i.exec(s.trim());
  if (m === null || Number(m[1]) === 0)
    throw new NtkInputError(
      `${flag}: expected a memory size in Slurm's syntax such as 2G, 1500M or 1500 (MiB), got '${s}'`,
    );
  const unit = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[
    m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'
  ];
  return Number(m[1]) * unit;
}

/** The parts of a task's plan, for messages. */
export function describeTaskMemory(t: TaskMemory): string {
  const parts = [
    `runtime ${formatBytes(t.runtime)}`,
    `inputs ${formatBytes(t.inputs)}`,
    `largest tile ${formatBytes(t.tile)}`,
    ...(t.working > 0 ? [`empirical working set ${formatBytes(t.working)}`] : []),
  ];
  return `${formatBytes(t.total)} (${parts.join(' + ')})`;
}

/**
 * The memory a task asks for, in bytes: `requested` (checked to hold the planned peak; a request below it is
 * refused now, naming what the task needs) or, by default, the planned peak with its margin.
 */
export function taskMemoryRequest(plan: TilePlan, cpus: number, flag: string, requested?: string): number {
  const t = taskMemory(plan, cpus);
  if (requested === undefined) return t.requestMiB * 2 ** 20;
  const bytes = parseSlurmMem(flag, requested);
  if (bytes < t.total)
    throw new NtkInputError(
      `${flag} ${requested} is below what one task of this plan needs: ${describeTaskMemory(t)}; ` +
        `ask for at least ${t.requestMiB}M (the default), or plan smaller tiles (ntk tiles plan --tile)`,
    );
  return bytes;
}

/**
 * NTK_MEMORY_LIMIT for a task given `bytes` of memory: what is left for the kernel's planned arrays after the
 * runtime and the inputs, so that a planner inside the task refuses or shrinks its blocks instead of the
 * engine killing the task.
 */
export function taskMemoryLimit(plan: TilePlan, cpus: number, bytes: number): number {
  const t = taskMemory(plan, cpus);
  return Math.floor((bytes - t.runtime - t.inputs) / 2 ** 20) * 2 ** 20;
}

/**
 * The memory the merge job asks for, in MiB: the runtime, one block row of tiles (tile·N2 entries), one tile read
 * from disk and parsed (two copies), with the margin (src/tiles/merge.ts streams the rest).
 */
export function mergeMemoryMiB(plan: TilePlan): number {
  const rows = Math.min(plan.tile, plan.n1);
  const tile = rows * Math.min(plan.tile, plan.n2);
  const total = TASK_RUNTIME_BYTES + 8 * (rows * plan.n2 + 2 * tile);
  return Math.ceil((total * TASK_MEMORY_MARGIN) / 2 ** 20);
}
