import type { Layer } from '../types.js';

/**
 * What a network's kernel computation needs from the spatial layout (neural-tangents decides the same from
 * its layers' requirements): layers that average over positions need all position pairs; everything else
 * (Conv, Dense, activations, Flatten) maps equal positions from equal positions, so without pooling the
 * diagonal-spatial layout is exact and P times cheaper than all pairs.
 */
const POOLING = new Set(['AvgPool', 'GlobalAvgPool']);
/** Layers whose kernel maps never read var1/var2. */
const VARIANCE_FREE = new Set([
  'Dense',
  'Conv',
  'Flatten',
  'AvgPool',
  'GlobalAvgPool',
  'Identity',
  'serial',
  'parallel',
  'FanOut',
  'FanInSum',
  'FanInConcat',
]);

function leavesInOrder(net: Layer): Layer[] {
  return net.children.length === 0 ? [net] : net.children.flatMap(leavesInOrder);
}

/** True when some layer averages over spatial positions (AvgPool, GlobalAvgPool). */
export function needsFullSpatial(net: Layer): boolean {
  return leavesInOrder(net).some((l) => POOLING.has(l.type));
}

/**
 * True when a layer that reads the per-input variances (a nonlinearity) comes after a pooling layer in
 * depth-first order: then cross records (x2 ≠ x1) lack the pooled variance (./pooledVariance.ts) and kernelFn
 * uses symmetric records.
 */
export function poolThenNonlinearity(net: Layer): boolean {
  let pooled = false;
  for (const l of leavesInOrder(net)) {
    if (POOLING.has(l.type)) pooled = true;
    else if (pooled && !VARIANCE_FREE.has(l.type)) return true;
  }
  return false;
}
