/**
 * Dense float64 matrix, row-major (docs/conventions.md §1: inputs are N×d, batch first).
 * A Matrix owns or views a contiguous Float64Array of rows·cols entries; `rowBlock` returns a
 * view that shares memory, so tiles of a large kernel cost nothing to take.
 */
export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
      throw new RangeError(`Matrix: rows and cols must be non-negative integers, got ${rows}×${cols}`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Matrix: data has length ${data.length}, expected rows·cols = ${rows}·${cols} = ${rows * cols}`,
      );
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  /** The rows×cols zero matrix. */
  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  /** The n×n identity I. */
  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  /** From an array of equal-length rows. */
  static fromRows(rows: ArrayLike<number>[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0].length;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      if (rows[i].length !== c) {
        throw new RangeError(`Matrix.fromRows: row ${i} has ${rows[i].length} entries, expected ${c}`);
      }
      m.data.set(rows[i], i * c);
    }
    return m;
  }

  /** Entry A[i, j] (no bounds check). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  /** Set A[i, j] = v (no bounds check). */
  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Row i as a view. */
  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** Rows [r0, r1) as a Matrix view sharing memory with this one. */
  rowBlock(r0: number, r1: number): Matrix {
    if (!(0 <= r0 && r0 <= r1 && r1 <= this.rows)) {
      throw new RangeError(`Matrix.rowBlock: [${r0}, ${r1}) is outside rows [0, ${this.rows})`);
    }
    return new Matrix(r1 - r0, this.cols, this.data.subarray(r0 * this.cols, r1 * this.cols));
  }

  /** A copy that owns its data. */
  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  /** Aᵀ, a new matrix (cache-blocked copy). */
  transpose(): Matrix {
    const { rows, cols, data } = this;
    const t = new Matrix(cols, rows);
    const B = 32;
    for (let i0 = 0; i0 < rows; i0 += B) {
      for (let j0 = 0; j0 < cols; j0 += B) {
        const i1 = Math.min(i0 + B, rows);
        const j1 = Math.min(j0 + B, cols);
        for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) t.data[j * rows + i] = data[i * cols + j];
      }
    }
    return t;
  }

  /** The rows as plain arrays (for printing and JSON). */
  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }
}
