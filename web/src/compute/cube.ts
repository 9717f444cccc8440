import { modelFromJson } from '../../../src/nn/model.js';
import { cubeSpectrumOfStack } from '../../../src/spectral/cube.js';
import { preciseLayersOfModel } from '../../../src/spectral/dotProduct.js';
import { denseModelJson } from './modelJson.js';
import { cubeSpec } from './specs.js';
import { matrix, num, str, vector, type LabCompute } from './result.js';
import { NtkInputError } from '../../../src/errors.js';

/**
 * The `cube` view (Yang & Salman 2019, §4–5): the eigenvalue μ_k of each degree k = 0..d of a dense net's NNGP
 * or NTK on the boolean cube {±1}^d, the fractional variance C(d, k)·μ_k / Σ C(d, i)·μᵢ per degree for every
 * depth 1..maxDepth, and the depth that maximizes it per degree. Φ is evaluated in high precision
 * (src/spectral/cube.ts), so every degree is exact to float64 — the same numbers as `ntk spectrum cube`.
 */
export const cubeCompute: LabCompute = (p, emit) => {
  const d = num(p, 'dim');
  const depth = num(p, 'depth');
  const maxDepth = num(p, 'maxDepth');
  const part = str(p, 'get') as 'nngp' | 'ntk';
  if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > 32)
    throw new NtkInputError(`cube: maxDepth must be an integer in [1, 32], got ${maxDepth}`);
  const table = new Float64Array(maxDepth * (d + 1));
  let chosen: ReturnType<typeof cubeSpectrumOfStack> | null = null;
  for (let L = 1; L <= maxDepth; L++) {
    const { layers, reason } = preciseLayersOfModel(modelFromJson(denseModelJson(cubeSpec(p, L))));
    if (!layers) throw new NtkInputError(`cube: this network has no exact cube spectrum: ${reason}`);
    const s = cubeSpectrumOfStack(layers, d, part);
    table.set(s.fractionalVariance, (L - 1) * (d + 1));
    if (L === depth) chosen = s;
    emit.progress(L, maxDepth + (depth > maxDepth ? 1 : 0));
  }
  if (!chosen) {
    const { layers, reason } = preciseLayersOfModel(modelFromJson(denseModelJson(cubeSpec(p, depth))));
    if (!layers) throw new NtkInputError(`cube: this network has no exact cube spectrum: ${reason}`);
    chosen = cubeSpectrumOfStack(layers, d, part);
  }
  const best = new Float64Array(d + 1);
  for (let k = 0; k <= d; k++) {
    let b = 0;
    for (let L = 1; L < maxDepth; L++) if (table[L * (d + 1) + k] > table[b * (d + 1) + k]) b = L;
    best[k] = b + 1;
  }
  return {
    arrays: {
      eigenvalues: vector(chosen.eigenvalues),
      multiplicities: vector(chosen.multiplicities),
      fractionalVariance: vector(chosen.fractionalVariance),
      fractionalVarianceByDepth: matrix(maxDepth, d + 1, table),
      bestDepth: vector(best),
    },
    scalars: { d, depth },
  };
};
