/**
 * `.npy` files on disk (Node only): read, atomic write (temp file in the same directory, then rename,
 * so a reader never sees a half-written file), and Matrix convenience wrappers.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicWrite.js';
import { Matrix } from '../linalg/matrix.js';
import { parseNpy, serializeNpy, type NpyArray, type NpyData, type NpyDtype } from './npy.js';

/** Read and parse a `.npy` file; errors name the path. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`readNpy: cannot read '${path}': ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseNpy(bytes, path);
}

/** Write `data` with C-order `shape` to `path` as `.npy` (dtype as in `serializeNpy`), atomically. */
export function writeNpy(
  path: string,
  data: NpyData | ArrayLike<number>,
  shape: readonly number[],
  dtype?: NpyDtype,
): void {
  writeFileAtomic(path, serializeNpy(data, shape, dtype), { createDirs: false, label: 'writeNpy' });
}

/**
 * A `.npy` file as a float64 Matrix: rank 2 as is, rank 1 as an n×1 column. Integer data are converted
 * (int64 values beyond ±2^53 are refused: they would not be exact).
 */
export function readMatrix(path: string): Matrix {
  const a = readNpy(path);
  if (a.shape.length !== 1 && a.shape.length !== 2) {
    throw new Error(
      `readMatrix: '${path}' has rank ${a.shape.length} (shape (${a.shape.join(', ')})); expected rank 1 or 2`,
    );
  }
  const [rows, cols] = a.shape.length === 2 ? a.shape : [a.shape[0], 1];
  let data: Float64Array;
  if (a.data instanceof Float64Array) data = a.data;
  else if (a.data instanceof BigInt64Array) {
    data = new Float64Array(a.data.length);
    for (let k = 0; k < data.length; k++) {
      const v = a.data[k];
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw new RangeError(
          `readMatrix: '${path}' element ${k} = ${v} is not exactly representable as float64`,
        );
      }
      data[k] = Number(v);
    }
  } else data = Float64Array.from(a.data);
  return new Matrix(rows, cols, data);
}

/** Write a Matrix to `path` as a float64 rank-2 `.npy` (loads as an M.rows × M.cols array), atomically. */
export function writeMatrix(path: string, M: Matrix): void {
  if (!(M instanceof Matrix)) throw new TypeError(`writeMatrix: M must be a Matrix, got ${typeof M}`);
  writeNpy(path, M.data, [M.rows, M.cols], 'float64');
}
