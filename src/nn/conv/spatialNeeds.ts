import { layerDescriptor } from '../registry.js';
import type { LayoutRequirements } from '../descriptor.js';
import type { Layer } from '../types.js';

/**
 * What a network's kernel computation needs from the spatial layout, read from its layers' descriptors
 * (`requires`, as neural-tangents' `@requires`): layers that average over positions need all position pairs;
 * everything else (Conv, Dense, activations, Flatten) maps equal positions from equal positions, so without
 * pooling the diagonal-spatial layout is exact and P times cheaper than all pairs.
 */

/** A layer of a type that is not registered: assume it reads variances and keeps equal positions. */
const UNKNOWN: LayoutRequirements = { fullSpatial: false, variances: true };

function leavesInOrder(net: Layer): Layer[] {
  return net.children.length === 0 ? [net] : net.children.flatMap(leavesInOrder);
}

function requirementsOf(l: Layer): LayoutRequirements {
  return layerDescriptor(l.type)?.requires ?? UNKNOWN;
}

/** True when some layer averages over spatial positions (AvgPool, GlobalAvgPool). */
export function needsFullSpatial(net: Layer): boolean {
  return leavesInOrder(net).some((l) => requirementsOf(l).fullSpatial);
}

/**
 * True when a layer that reads the per-input variances (a nonlinearity) comes after a pooling layer in
 * depth-first order, or a layer reads them over all position pairs (attention): then cross records (x2 ≠ x1)
 * lack the pooled variance (./pooledVariance.ts) or Σ(x, x)(p, p'), and kernelFn uses symmetric records.
 */
export function poolThenNonlinearity(net: Layer): boolean {
  let pooled = false;
  for (const l of leavesInOrder(net)) {
    const r = requirementsOf(l);
    // a layer that reads variances over all position pairs (GlobalSelfAttention) reads Σ(x, x)(p, p') itself
    if (r.fullSpatial && r.variances) return true;
    if (r.fullSpatial) pooled = true;
    else if (pooled && r.variances) return true;
  }
  return false;
}
