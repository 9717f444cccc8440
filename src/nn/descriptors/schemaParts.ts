import type { z as Zod } from 'zod';

/** Schema pieces shared by the layer descriptors, made from the zod module model loading passes in. */

export const finite = (z: typeof Zod) => z.number().refine(Number.isFinite, 'must be finite');

export const nonNegative = (z: typeof Zod) => finite(z).refine((v) => v >= 0, 'must be ≥ 0');

/** A config with only `type`. */
export const bare = <T extends string>(z: typeof Zod, type: T) => z.strictObject({ type: z.literal(type) });

export const parameterization = (z: typeof Zod) => z.enum(['ntk', 'standard']);

/** Nested layer configs of a combinator (each validated by its own type when built). */
export const layerList = <T extends string>(z: typeof Zod, type: T) =>
  z.strictObject({ type: z.literal(type), layers: z.array(z.looseObject({ type: z.string() })) });
