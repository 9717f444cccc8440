import { NtkNumericalError } from '../../errors.js';
import { writeMatrix } from '../../io/npyFile.js';
import type { Matrix } from '../../linalg/matrix.js';
import { deferSignals } from '../signals.js';

/**
 * Write the kernel `ntk kernel` computed: refused (NtkNumericalError, exit 1) when an entry is not finite —
 * a non-finite kernel never leaves with exit code 0 — else written atomically, with stop signals deferred
 * until the file is in place.
 */
export function writeKernel(out: string, get: string, K: Matrix): void {
  for (let k = 0; k < K.data.length; k++) {
    if (!Number.isFinite(K.data[k]))
      throw new NtkNumericalError(
        `ntk kernel: the ${get} entry (${Math.floor(k / K.cols)}, ${k % K.cols}) is ${K.data[k]}; nothing was written to ${out}`,
      );
  }
  deferSignals();
  writeMatrix(out, K);
  process.stderr.write(`ntk kernel: wrote ${get} ${K.rows}×${K.cols} to ${out}\n`);
}
