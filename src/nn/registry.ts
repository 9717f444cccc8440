import { z } from 'zod';
import type { Layer, LayerConfig, Parameterization } from './types.js';

/**
 * The open registry of layer types for model files (src/nn/model.ts) and worker threads: each type has a
 * zod schema for its JSON config and a builder. Other modules add types with one `registerLayerType` call
 * (e.g. the convolutional layers in src/nn/conv/).
 */
export interface BuildContext {
  /** The model-wide parameterization (a layer's own `parameterization` key overrides it). */
  readonly parameterization: Parameterization;
  /** JSON path of this layer, for error messages (e.g. "layers[2]"). */
  readonly path: string;
  /** Build a nested layer config (for combinators); `path` is the child's JSON path. */
  build(config: unknown, path: string): Layer;
}

/** A layer type of model files: the zod schema of its config and the builder of its layer. */
export interface LayerTypeDef {
  /** Schema of the whole config object including `type` (use z.strictObject so typos are errors). */
  readonly schema: z.ZodType;
  /** Build the layer from a validated config. */
  readonly build: (config: LayerConfig, ctx: BuildContext) => Layer;
  /** The config key that holds the layer's output width/channels, set by withHiddenWidth (Dense: 'width'). */
  readonly widthKey?: string;
  /** Config keys that hold nested layer lists (combinators: 'layers'), walked by withHiddenWidth. */
  readonly childrenKey?: string;
}

const registry = new Map<string, LayerTypeDef>();

/** Add a layer type to the model-file registry (an error when `type` is taken). */
export function registerLayerType(type: string, def: LayerTypeDef): void {
  if (registry.has(type)) throw new Error(`registerLayerType: type '${type}' is already registered`);
  registry.set(type, def);
}

export function layerTypeDef(type: string): LayerTypeDef | undefined {
  return registry.get(type);
}

/** The registered layer type names. */
export function knownLayerTypes(): string[] {
  return [...registry.keys()];
}

/** "path.key: message" lines of a zod error. */
export function formatIssues(error: z.ZodError, path: string): string {
  return error.issues
    .map((i) => {
      const at = [path, ...i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))]
        .join('')
        .replace(/\.\[/g, '[');
      const missing = i.code === 'invalid_type' && /received undefined/.test(i.message);
      return `${at}: ${missing ? 'is required' : i.message}`;
    })
    .join('; ');
}

/** Build a layer from its JSON config, validating it against its type's schema. */
export function buildLayer(config: unknown, path: string, parameterization: Parameterization): Layer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new TypeError(`${path}: a layer must be an object {"type": ...}, got ${JSON.stringify(config)}`);
  }
  const type = (config as { type?: unknown }).type;
  if (typeof type !== 'string')
    throw new TypeError(`${path}.type: is required (a layer name: ${knownLayerTypes().join(', ')})`);
  const def = registry.get(type);
  if (!def)
    throw new RangeError(
      `${path}.type: unknown layer type '${type}'; known types: ${knownLayerTypes().join(', ')}`,
    );
  const parsed = def.schema.safeParse(config);
  if (!parsed.success) throw new RangeError(`invalid layer config: ${formatIssues(parsed.error, path)}`);
  const ctx: BuildContext = {
    parameterization,
    path,
    build: (c, p) => buildLayer(c, p, parameterization),
  };
  return def.build(parsed.data as LayerConfig, ctx);
}
