// Writes the kernel regression fixture (test/fixtures/kernels/regression.ts.json): the NNGP, NTK and output
// variances of every case of src/kernels/regressionCases.testutil.ts, computed by the current build on the ts
// backend, the one whose bits do not depend on the CPU (OpenBLAS picks its GEMM kernel, and so its order of
// summation, by the CPU it runs on). Run only when the numbers are meant to change.
// Usage: npm run build && NTK_BACKEND=ts node scripts/write-kernel-fixture.js
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../dist/src/io/atomicWrite.js';
import { regressionCases } from '../dist/src/kernels/regressionCases.testutil.js';
import { kernelFn } from '../dist/src/kernels/kernelFn.js';
import { getBackend } from '../dist/src/linalg/select.js';

const backend = getBackend().name;
if (backend !== 'ts') {
  console.error(
    `write-kernel-fixture: the fixture is the ts backend's; run with NTK_BACKEND=ts (got ${backend})`,
  );
  process.exit(2);
}
const out = {};
for (const c of regressionCases()) {
  const r = kernelFn(c.net, c.x1, c.x2, c.opts);
  out[c.name] = {
    nngp: Array.from(r.nngp.data),
    ntk: Array.from(r.ntk.data),
    var1: Array.from(r.var1),
    var2: Array.from(r.var2),
  };
}
mkdirSync('test/fixtures/kernels', { recursive: true });
writeFileAtomic(`test/fixtures/kernels/regression.${backend}.json`, JSON.stringify(out) + '\n');
console.log(`wrote test/fixtures/kernels/regression.${backend}.json (${Object.keys(out).length} cases)`);
