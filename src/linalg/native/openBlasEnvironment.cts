import { chooseCoreType } from './coreType.cjs';

/**
 * The OpenBLAS variables this process sets before the library loads, for those the user left unset; the
 * bench's peer scripts get the same ones, so both sides run the same kernels the same way.
 *
 * - OPENBLAS_CORETYPE: the kernels for the CPU's instruction sets (./coreType.cts).
 * - OPENBLAS_THREAD_TIMEOUT = 4: OpenBLAS's idle threads spin for 2^timeout cycles (default 2^28, about
 *   0.1 s) after each call before they sleep. A fused training step runs its entry-wise passes on a worker
 *   thread of ours between GEMMs (src/train/stepThreads.ts), which that spinning starves: the shortest spin
 *   (2^4) gave 4.22 against 3.88 steps/s (median of 5, N = 10000, width 256, depth 6, Intel Xeon 2 vCPUs)
 *   and left Lanczos on the NTK operator unchanged.
 */
export function openBlasEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  const core = chooseCoreType(env);
  if (core !== null) out.OPENBLAS_CORETYPE = core;
  if (env.OPENBLAS_THREAD_TIMEOUT === undefined || env.OPENBLAS_THREAD_TIMEOUT === '')
    out.OPENBLAS_THREAD_TIMEOUT = '4';
  return out;
}
