import { NtkInputError, NtkTypeError } from '../errors.js';
import { z } from 'zod';
import type { BuildContext, LayerDescriptor } from './descriptor.js';
import { knownLayerTypes, requireDescriptor } from './registry.js';
import type { Layer, Parameterization } from './types.js';

/**
 * The model-file schema (src/nn/model.ts): the top-level object and every layer config, validated against its
 * descriptor's schema (src/nn/descriptor.ts). The only module of src/nn that loads zod.
 */
export const modelSchema = z.strictObject({
  parameterization: z.enum(['ntk', 'standard']).optional(),
  inputShape: z.array(z.number().int().positive()).min(1).optional(),
  layers: z.array(z.unknown()).min(1),
});

export type ModelFileJson = z.infer<typeof modelSchema>;

const schemas = new Map<LayerDescriptor, z.ZodType>();

/** The descriptor's schema, made once. */
function schemaOf(d: LayerDescriptor): z.ZodType {
  let s = schemas.get(d);
  if (s === undefined) {
    s = d.schema(z);
    schemas.set(d, s);
  }
  return s;
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

/** Build a layer from its JSON config, validating it (and every nested config) against its type's schema. */
export function buildLayer(config: unknown, path: string, parameterization: Parameterization): Layer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new NtkTypeError(`${path}: a layer must be an object {"type": ...}, got ${JSON.stringify(config)}`);
  }
  const type = (config as { type?: unknown }).type;
  if (typeof type !== 'string')
    throw new NtkTypeError(`${path}.type: is required (a layer name: ${knownLayerTypes().join(', ')})`);
  return buildWith(requireDescriptor(type, `${path}.type`), config, path, parameterization);
}

/** Validate a config against one descriptor's schema and build it (nested configs by their own types). */
export function buildWith(
  d: LayerDescriptor,
  config: unknown,
  path: string,
  parameterization: Parameterization,
): Layer {
  const parsed = schemaOf(d).safeParse(config);
  if (!parsed.success) throw new NtkInputError(`invalid layer config: ${formatIssues(parsed.error, path)}`);
  const ctx: BuildContext = {
    parameterization,
    path,
    build: (c, p) => buildLayer(c, p, parameterization),
  };
  return d.build(parsed.data, ctx);
}
