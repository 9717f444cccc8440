import { NtkInputError } from '../errors.js';
import type { BuildContext, LayerDescriptor, PreciseLayer } from './descriptor.js';
import { LAYER_TYPES } from './layerTypes.js';
import type { Layer, LayerConfig, Parameterization } from './types.js';

/**
 * The open registry of layer types (src/nn/descriptor.ts), without zod: worker threads rebuild layers from
 * their configs through it, the spatial planner and the precise cube engine read the descriptors. Model files
 * are validated against the descriptors' schemas by src/nn/modelFile.ts. Other modules add types with
 * `registerLayerType`.
 */
const registry = new Map<string, LayerDescriptor>();

/** Add a layer type to the registry of model files (an error when its type is taken). */
export function registerLayerType(descriptor: LayerDescriptor): void {
  if (registry.has(descriptor.type))
    throw new NtkInputError(`registerLayerType: type '${descriptor.type}' is already registered`);
  registry.set(descriptor.type, descriptor);
}

for (const d of LAYER_TYPES) registerLayerType(d);
/** The types every thread has (worker threads load the list, not run-time registrations). */
const BUILT_IN = new Set(LAYER_TYPES.map((d) => d.type));

/** The descriptor of a registered layer type, or undefined. */
export function layerDescriptor(type: string): LayerDescriptor | undefined {
  return registry.get(type);
}

/** The registered layer type names. */
export function knownLayerTypes(): string[] {
  return [...registry.keys()];
}

/** The descriptor of `type`, or a RangeError naming `where` and the known types. */
export function requireDescriptor(type: string, where: string): LayerDescriptor {
  const d = registry.get(type);
  if (d === undefined)
    throw new NtkInputError(
      `${where}: unknown layer type '${type}'; known types: ${knownLayerTypes().join(', ')}`,
    );
  return d;
}

/**
 * Rebuild a layer from a config that is already valid (the `config` of a layer built in this process, as
 * worker threads receive it), without schema validation. Throws for a config that cannot be rebuilt (an
 * Elementwise of a user function).
 */
export function rebuildLayer(config: LayerConfig, parameterization: Parameterization = 'ntk'): Layer {
  const ctx = (path: string): BuildContext => ({
    parameterization,
    path,
    build: (c, p) => rebuildAt(c as LayerConfig, p),
  });
  const rebuildAt = (c: LayerConfig, path: string): Layer =>
    requireDescriptor(c.type, `${path}.type`).build(c, ctx(path));
  return rebuildAt(config, 'layer');
}

/**
 * Null when a worker thread, which has the built-in types only, can rebuild the layer from its config; else
 * the reason (a type registered at run time, or a config that cannot be rebuilt).
 */
export function whyNotRebuildableInWorkers(config: LayerConfig): string | null {
  const visit = (c: LayerConfig): string | null => {
    if (!BUILT_IN.has(c.type))
      return `layer type '${c.type}' is registered at run time and worker threads know only the built-in list`;
    const key = registry.get(c.type)?.childrenKey;
    const kids = key === undefined ? [] : (c[key] as LayerConfig[]);
    for (const k of kids) {
      const why = visit(k);
      if (why !== null) return why;
    }
    return null;
  };
  const why = visit(config);
  if (why !== null) return why;
  try {
    rebuildLayer(config);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * A model's layer configs in the vocabulary of the arbitrary-precision recursion (src/spectral/precise/stack.ts),
 * or a RangeError naming the first layer without a precise form and the descriptor's note why.
 */
export function preciseLayersFromConfig(
  config: LayerConfig,
  parameterization: Parameterization = 'ntk',
): PreciseLayer[] {
  const of = (c: LayerConfig): PreciseLayer[] => {
    const d = requireDescriptor(c.type, 'precise kernel');
    if (d.precise === undefined)
      throw new NtkInputError(
        `precise kernel: layer type '${c.type}' has no high-precision kernel map (${d.preciseNote ?? 'none'})`,
      );
    return d.precise(c, { parameterization, of });
  };
  return of(config);
}
