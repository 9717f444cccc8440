/**
 * The tile grid of an N1 × N2 kernel with tile edge T: row blocks [r0, r1) and column blocks [c0, c1) of
 * at most T entries. A symmetric kernel (x2 = x1) keeps the upper triangle only (c0 ≥ r0): the lower
 * tiles are the transposes. Tiles are numbered row-major in that order from 0, the number a Slurm array
 * task (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job pod (JOB_COMPLETION_INDEX) receives.
 */
export interface Tile {
  readonly index: number;
  /** Block row and column of the tile in the grid. */
  readonly bi: number;
  readonly bj: number;
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

/** The tiles of an n1 × n2 kernel in blocks of `tile` rows and columns; block pairs above the diagonal only when symmetric. */
export function tileGrid(n1: number, n2: number, tile: number, symmetric: boolean): Tile[] {
  const out: Tile[] = [];
  const b1 = Math.ceil(n1 / tile);
  const b2 = Math.ceil(n2 / tile);
  for (let bi = 0; bi < b1; bi++) {
    for (let bj = symmetric ? bi : 0; bj < b2; bj++) {
      out.push({
        index: out.length,
        bi,
        bj,
        r0: bi * tile,
        r1: Math.min((bi + 1) * tile, n1),
        c0: bj * tile,
        c1: Math.min((bj + 1) * tile, n2),
      });
    }
  }
  return out;
}

/** Compact list of indices for `sbatch --array`: [0,1,2,5,7,8] → "0-2,5,7-8". */
export function indexRanges(indices: readonly number[]): string {
  const s = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(j === i ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
