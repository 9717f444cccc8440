import { formatBytes, memoryLimit } from '../empirical/memory.js';
import { NtkMemoryError } from '../errors.js';

/**
 * The memory plan of the analytic kernel (kernelFn), made before any allocation as the empirical path does
 * (src/empirical/memory.ts): the N1×N2 result matrices (NNGP always, NTK when asked: 8 bytes per entry each)
 * plus `extraBytes` the caller will add (e.g. a copy for the output file), against the limit in effect
 * (`memoryLimitBytes`, else NTK_MEMORY_LIMIT, else 6 GiB). A job that does not fit is refused at once with
 * NtkMemoryError stating the size needed, what fits and the remedy.
 */
export function planKernelMemory(
  n1: number,
  n2: number,
  wantNtk: boolean,
  opts: { memoryLimitBytes?: number; extraBytes?: number } = {},
): number {
  const limit = memoryLimit(opts.memoryLimitBytes);
  const arrays = wantNtk ? 2 : 1;
  const perRow = 8 * n2 * arrays;
  const need = n1 * perRow + (opts.extraBytes ?? 0);
  if (need <= limit) return need;
  const rows = Math.max(0, Math.floor((limit - (opts.extraBytes ?? 0) * (limit / need)) / perRow));
  const what = wantNtk ? 'NNGP and NTK matrices' : 'NNGP matrix';
  throw new NtkMemoryError(
    `kernelFn: the ${n1}×${n2} ${what} need ${formatBytes(need)} but the memory limit is ${formatBytes(limit)} ` +
      `(memoryLimitBytes / --memory-limit / NTK_MEMORY_LIMIT); at N2 = ${n2} about ${rows} rows of x1 fit: ` +
      'compute the kernel in slices of x1 (x2 = all the inputs) and assemble them, or raise the limit if the machine has the memory',
    need,
    limit,
  );
}
