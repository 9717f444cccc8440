import type { LayerDescriptor } from './descriptor.js';
import { isEntrywise } from './entrywise.js';
import { buildWith } from './modelFile.js';
import { rebuildLayer } from './registry.js';
import type { Layer } from './types.js';

/**
 * What each path needs of a registered layer type, as a list of problems (empty = complete): model loading
 * (the example validates and builds), finite width (init / forward / VJP / JVP), infinite width (the kernel
 * map; the per-entry form for the fused interpreter when the layer acts entry by entry), worker threads
 * (rebuilt from `layer.config` to the same config), the precise cube engine (a precise form or the note why
 * not) and the spatial planner (declared requirements).
 */
export function descriptorProblems(d: LayerDescriptor): string[] {
  const problems: string[] = [];
  let layer: Layer;
  try {
    layer = buildWith(d, d.example, d.type, 'ntk');
  } catch (e) {
    return [`${d.type}: the example does not build: ${(e as Error).message}`];
  }
  if (layer.type !== d.type) problems.push(`${d.type}: builds a layer of type '${layer.type}'`);
  for (const rule of ['outShape', 'init', 'forward', 'backward', 'jvp', 'kernel'] as const)
    if (typeof layer[rule] !== 'function') problems.push(`${d.type}: no ${rule} rule`);
  if (isEntrywise(layer) && layer.entrywise.perEntry === undefined)
    problems.push(`${d.type}: acts entry by entry but has no per-entry form for the fused interpreter`);
  try {
    const again = rebuildLayer(layer.config);
    if (JSON.stringify(again.config) !== JSON.stringify(layer.config))
      problems.push(
        `${d.type}: rebuilt from its config in a worker, it has config ${JSON.stringify(again.config)}`,
      );
  } catch (e) {
    problems.push(`${d.type}: worker threads cannot rebuild it from its config: ${(e as Error).message}`);
  }
  if (d.precise === undefined) {
    if (!d.preciseNote) problems.push(`${d.type}: neither a precise form nor a note why not`);
  } else {
    try {
      d.precise(d.example, { parameterization: 'ntk', of: () => [] });
    } catch (e) {
      problems.push(`${d.type}: the precise form of the example fails: ${(e as Error).message}`);
    }
  }
  if (typeof d.requires?.fullSpatial !== 'boolean' || typeof d.requires?.variances !== 'boolean')
    problems.push(`${d.type}: layout requirements (fullSpatial, variances) not declared`);
  return problems;
}
