import { z } from 'zod';
import { Abs, ABRelu, LeakyRelu, Relu } from './activations/abRelu.js';
import { Elementwise, NAMED_ELEMENTWISE } from './activations/elementwise.js';
import { Erf } from './activations/erf.js';
import { Gelu } from './activations/gelu.js';
import { Cos, Rbf, Sin } from './activations/sin.js';
import { FanInConcat, FanInSum } from './combinators/fanIn.js';
import { FanOut } from './combinators/fanOut.js';
import { parallel } from './combinators/parallel.js';
import { serial } from './combinators/serial.js';
import { Dense } from './dense.js';
import { Identity } from './identity.js';
import { registerLayerType, type BuildContext } from './registry.js';
import type { Layer, LayerConfig, Parameterization } from './types.js';

/** Registration of the dense-network layer types of ntk-lab in the model-file registry. */

const num = z.number().refine(Number.isFinite, 'must be finite');
const nonneg = num.refine((v) => v >= 0, 'must be ≥ 0');
const bare = (type: string) => z.strictObject({ type: z.literal(type) });

registerLayerType('Dense', {
  schema: z.strictObject({
    type: z.literal('Dense'),
    width: z.number().int().positive(),
    W_std: nonneg.optional(),
    b_std: nonneg.nullable().optional(),
    parameterization: z.enum(['ntk', 'standard']).optional(),
  }),
  build: (c, ctx) =>
    Dense({
      width: c.width as number,
      W_std: c.W_std as number | undefined,
      b_std: c.b_std as number | null | undefined,
      parameterization: (c.parameterization as Parameterization | undefined) ?? ctx.parameterization,
    }),
  widthKey: 'width',
});
registerLayerType('Identity', { schema: bare('Identity'), build: () => Identity() });
registerLayerType('Relu', { schema: bare('Relu'), build: () => Relu() });
registerLayerType('Abs', { schema: bare('Abs'), build: () => Abs() });
registerLayerType('Gelu', { schema: bare('Gelu'), build: () => Gelu() });
registerLayerType('ABRelu', {
  schema: z.strictObject({ type: z.literal('ABRelu'), a: num, b: num }),
  build: (c) => ABRelu({ a: c.a as number, b: c.b as number }),
});
registerLayerType('LeakyRelu', {
  schema: z.strictObject({ type: z.literal('LeakyRelu'), alpha: num }),
  build: (c) => LeakyRelu({ alpha: c.alpha as number }),
});
const abc = (type: string) =>
  z.strictObject({ type: z.literal(type), a: num.optional(), b: num.optional(), c: num.optional() });
const abcOf = (c: LayerConfig) => ({
  a: c.a as number | undefined,
  b: c.b as number | undefined,
  c: c.c as number | undefined,
});
registerLayerType('Erf', { schema: abc('Erf'), build: (c) => Erf(abcOf(c)) });
registerLayerType('Sin', { schema: abc('Sin'), build: (c) => Sin(abcOf(c)) });
registerLayerType('Cos', { schema: abc('Cos'), build: (c) => Cos(abcOf(c)) });
registerLayerType('Rbf', {
  schema: z.strictObject({ type: z.literal('Rbf'), gamma: nonneg.optional() }),
  build: (c) => Rbf({ gamma: c.gamma as number | undefined }),
});
registerLayerType('Elementwise', {
  schema: z.strictObject({
    type: z.literal('Elementwise'),
    fn: z.enum(Object.keys(NAMED_ELEMENTWISE) as [string, ...string[]]),
    nodes: z.number().int().min(2).max(400).optional(),
    breakpoints: z.array(num).optional(),
  }),
  build: (c) =>
    Elementwise({
      fn: c.fn as string,
      nodes: c.nodes as number | undefined,
      breakpoints: c.breakpoints as number[] | undefined,
    }),
});

const children = (c: LayerConfig, ctx: BuildContext): Layer[] =>
  (c.layers as unknown[]).map((l, i) => ctx.build(l, `${ctx.path}.layers[${i}]`));
const layerList = (type: string) =>
  z.strictObject({ type: z.literal(type), layers: z.array(z.looseObject({ type: z.string() })) });
registerLayerType('serial', {
  schema: layerList('serial'),
  build: (c, ctx) => serial(...children(c, ctx)),
  childrenKey: 'layers',
});
registerLayerType('parallel', {
  schema: layerList('parallel'),
  build: (c, ctx) => parallel(...children(c, ctx)),
  childrenKey: 'layers',
});
registerLayerType('FanOut', {
  schema: z.strictObject({ type: z.literal('FanOut'), n: z.number().int().positive() }),
  build: (c) => FanOut(c.n as number),
});
registerLayerType('FanInSum', { schema: bare('FanInSum'), build: () => FanInSum() });
registerLayerType('FanInConcat', { schema: bare('FanInConcat'), build: () => FanInConcat() });
