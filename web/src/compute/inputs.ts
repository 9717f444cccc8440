import { Matrix } from '../../../src/linalg/matrix.js';
import { NtkInputError } from '../../../src/errors.js';

/**
 * The lab's input sets, N×2: `circle` = N equally spaced points x_i = (cos a_i, sin a_i),
 * a_i = −π + 2πi/N; `grid` = the ⌈√N⌉² points of a regular grid on [−1, 1]².
 */
export function circlePoints(n: number): Matrix {
  if (!Number.isInteger(n) || n < 2)
    throw new NtkInputError(`circle points: N must be an integer ≥ 2, got ${n}`);
  const x = new Matrix(n, 2);
  for (let i = 0; i < n; i++) {
    const a = -Math.PI + (2 * Math.PI * i) / n;
    x.data[2 * i] = Math.cos(a);
    x.data[2 * i + 1] = Math.sin(a);
  }
  return x;
}

export function gridPoints(n: number): Matrix {
  if (!Number.isInteger(n) || n < 4)
    throw new NtkInputError(`grid points: N must be an integer ≥ 4, got ${n}`);
  const g = Math.ceil(Math.sqrt(n));
  const x = new Matrix(g * g, 2);
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      const r = i * g + j;
      x.data[2 * r] = -1 + (2 * j) / (g - 1);
      x.data[2 * r + 1] = -1 + (2 * i) / (g - 1);
    }
  }
  return x;
}

export function inputPoints(kind: string, n: number): Matrix {
  if (kind === 'circle') return circlePoints(n);
  if (kind === 'grid') return gridPoints(n);
  throw new NtkInputError(`inputs must be 'circle' or 'grid', got '${kind}'`);
}
