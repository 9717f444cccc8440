import { formatBytes, memoryLimit } from '../../memoryLimit.js';
import { NtkMemoryError } from '../../errors.js';

/**
 * The memory plan of the attention kernel map, made before it allocates: a record of m inputs at P positions
 * holds m²·P² entries per kernel array (all position pairs, NNGP and NTK), plus one P × P attention matrix per
 * input. A record that does not fit under the limit in effect (NTK_MEMORY_LIMIT, else 6 GiB) is refused with
 * NtkMemoryError stating the size, how many inputs per record and how many positions fit.
 */
export function planAttentionMemory(m: number, P: number, wantNtk: boolean): void {
  const arrays = wantNtk ? 2 : 1;
  const bytes = (inputs: number, positions: number): number =>
    8 * positions * positions * (inputs * inputs * arrays + inputs);
  const need = bytes(m, P);
  const limit = memoryLimit();
  if (need <= limit) return;
  let fitInputs = 0;
  while (bytes(fitInputs + 1, P) <= limit) fitInputs++;
  // a cross pair is computed on the record of both inputs (m = 2)
  const fitPositions = Math.floor(Math.sqrt(limit / (8 * (4 * arrays + 2))));
  throw new NtkMemoryError(
    `GlobalSelfAttention: the kernel record of ${m} inputs at ${P} positions needs ${formatBytes(need)} ` +
      `(${m}²·${P}² entries per kernel array: attention needs all position pairs) but the memory limit is ` +
      `${formatBytes(limit)}; at ${P} positions ${fitInputs} inputs per record fit, and a pair of inputs fits up to ` +
      `${fitPositions} positions: use fewer positions (pool first) or a smaller tile, or raise NTK_MEMORY_LIMIT / ` +
      '--memory-limit if the machine has the memory',
    need,
    limit,
  );
}
