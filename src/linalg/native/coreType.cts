/**
 * Which OpenBLAS kernels to ask for, before the library loads.
 *
 * OpenBLAS built with DYNAMIC_ARCH (Debian's, among others) picks its kernels from the CPU's family and model
 * numbers. Releases before 0.3.25 fall back to the generic Prescott (SSE3) kernels on an Intel model they do
 * not list, e.g. a cloud VM reporting family 6, model 0xCF (Emerald Rapids), although the CPU has AVX-512.
 * Measured on such a VM with Debian's 0.3.21: DGEMM at n = 2000 reaches 28 GFLOP/s with Prescott kernels
 * and 115 with SkylakeX kernels (`npm run bench -- linalg`).
 *
 * OpenBLAS reads OPENBLAS_CORETYPE when it loads. When the user has not set it, we choose from the
 * instruction sets the kernel reports (/proc/cpuinfo's flags), for Intel CPUs only, where the model table is
 * the cause: AVX-512 (F, CD, BW, DQ, VL) → SkylakeX, AVX2 with FMA → Haswell. These are the kernels OpenBLAS
 * itself picks for every Intel model it knows with those sets, so on a listed CPU nothing changes. On AMD
 * CPUs, whose detection goes by family and has no such fallback, we choose nothing.
 */

/** The core type for the CPU described by `cpuinfo` (Linux /proc/cpuinfo text), or null to leave OpenBLAS's choice. */
export function coreTypeFromCpuinfo(cpuinfo: string): 'SkylakeX' | 'Haswell' | null {
  const vendor = /^vendor_id\s*:\s*(\S+)/m.exec(cpuinfo)?.[1];
  const flagLine = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1];
  if (vendor !== 'GenuineIntel' || flagLine === undefined) return null;
  const flags = new Set(flagLine.trim().split(/\s+/));
  const has = (...names: string[]): boolean => names.every((n) => flags.has(n));
  if (has('avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl')) return 'SkylakeX';
  if (has('avx', 'avx2', 'fma')) return 'Haswell';
  return null;
}

/**
 * The OPENBLAS_CORETYPE to set before loading OpenBLAS: null when the user set one (theirs stands), when not on
 * Linux x86-64, or when /proc/cpuinfo cannot be read or names no choice.
 */
export function chooseCoreType(env: Record<string, string | undefined>): string | null {
  if (env.OPENBLAS_CORETYPE !== undefined && env.OPENBLAS_CORETYPE !== '') return null;
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  let text: string;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fs = require('node:fs') as typeof import('node:fs');
    text = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
  return coreTypeFromCpuinfo(text);
}
