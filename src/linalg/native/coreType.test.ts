/**
 * The OpenBLAS core type chosen from /proc/cpuinfo, on hand-written cpuinfo texts: Intel with AVX-512, Intel
 * with AVX2 only, Intel without AVX2, AMD with AVX-512 (left to OpenBLAS), text without flags; and a user's
 * OPENBLAS_CORETYPE standing. With the native backend loaded, OpenBLAS runs the kernels that were asked for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseCoreType, coreTypeFromCpuinfo } from './coreType.cjs';
import { loadNativeBackend } from './index.cjs';
import { Matrix } from '../matrix.js';

const cpu = (vendor: string, flags: string): string =>
  `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: 6\nmodel\t\t: 207\nflags\t\t: ${flags}\n\nprocessor\t: 1\n`;
const BASE = 'fpu vme de pse tsc msr pae mce cx8 apic sse sse2 ssse3 sse4_1 sse4_2 popcnt';
const AVX2 = `${BASE} avx f16c fma avx2 bmi1 bmi2`;
const AVX512 = `${AVX2} avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni hypervisor`;

test('Intel with AVX-512 F/CD/BW/DQ/VL asks for SkylakeX kernels', () => {
  assert.equal(coreTypeFromCpuinfo(cpu('GenuineIntel', AVX512)), 'SkylakeX');
});

test('Intel with AVX-512 F and CD but not BW, DQ, VL is not SkylakeX: with AVX2 and FMA it is Haswell', () => {
  assert.equal(coreTypeFromCpuinfo(cpu('GenuineIntel', `${AVX2} avx512f avx512cd`)), 'Haswell');
});

test('Intel with AVX2 and FMA asks for Haswell kernels', () => {
  assert.equal(coreTypeFromCpuinfo(cpu('GenuineIntel', AVX2)), 'Haswell');
});

test('Intel without AVX2, AMD, and text without flags are left to OpenBLAS', () => {
  assert.equal(coreTypeFromCpuinfo(cpu('GenuineIntel', `${BASE} avx`)), null);
  assert.equal(coreTypeFromCpuinfo(cpu('AuthenticAMD', AVX512)), null);
  assert.equal(coreTypeFromCpuinfo('processor\t: 0\nvendor_id\t: GenuineIntel\n'), null);
  assert.equal(coreTypeFromCpuinfo(''), null);
});

test("a user's OPENBLAS_CORETYPE stands: nothing is chosen", () => {
  assert.equal(chooseCoreType({ OPENBLAS_CORETYPE: 'Haswell' }), null);
});

test('OpenBLAS runs the kernels this process asked for', (t) => {
  let info;
  try {
    info = loadNativeBackend(Matrix).native;
  } catch (err) {
    if (process.env.NTK_BACKEND === 'blas') throw err;
    return t.skip(
      `native OpenBLAS/LAPACKE did not load: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (info.coreTypeSet === null || info.core === null) {
    return t.skip(
      `no core type was chosen here (core ${info.core}, OPENBLAS_CORETYPE ${process.env.OPENBLAS_CORETYPE})`,
    );
  }
  assert.equal(info.core.toLowerCase(), info.coreTypeSet.toLowerCase());
});
