import { NtkInputError, NtkTypeError } from '../../errors.js';
import type { Flow, Kernel } from '../types.js';

/** Helpers for kernel records with spatial positions (layout of src/nn/types.ts). */

export function oneKernel(k: Flow<Kernel>, where: string): Kernel {
  if (Array.isArray(k))
    throw new NtkTypeError(
      `${where}: expected one kernel record, got a list of ${k.length} (add a FanIn layer before it)`,
    );
  return k;
}

/** Throw unless the record has spatial positions (an image or sequence representation). */
export function requireSpatial(k: Kernel, where: string): void {
  if (k.spatial.length === 0)
    throw new NtkInputError(
      `${where}: needs a spatial kernel (inputs (N, H, W, C) or (N, L, C)), got a non-spatial (dense-feature) kernel ` +
        `— pooling and convolution must come before Flatten/GlobalAvgPool/Dense-on-flattened features`,
    );
}

/** Throw unless all position pairs (p, p') are stored: pooling over positions needs them. */
export function requireFullSpatial(k: Kernel, where: string): void {
  if (k.diagonalSpatial && positions(k.spatial) > 1)
    // one position: both layouts are the same array
    throw new NtkInputError(
      `${where}: needs the covariance of all position pairs (p, p'), but the kernel keeps only equal positions ` +
        `(diagonalSpatial = true); compute it with diagonalSpatial = false (kernelFn chooses this automatically)`,
    );
}

export function positions(spatial: readonly number[]): number {
  let p = 1;
  for (const s of spatial) p *= s;
  return p;
}
