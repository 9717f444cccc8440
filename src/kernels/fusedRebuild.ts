import { Abs, ABRelu, LeakyRelu, Relu } from '../nn/activations/abRelu.js';
import { Elementwise } from '../nn/activations/elementwise.js';
import { Erf } from '../nn/activations/erf.js';
import { Gelu } from '../nn/activations/gelu.js';
import { Cos, Rbf, Sin } from '../nn/activations/sin.js';
import { serial } from '../nn/combinators/serial.js';
import { Dense } from '../nn/dense.js';
import { Identity } from '../nn/identity.js';
import type { Layer, LayerConfig, Parameterization } from '../nn/types.js';

/**
 * Rebuild a fused-chain network (serial of Dense / activations / Identity) from `layer.config` in a worker
 * thread, without the model-file registry and its zod schemas (whose import costs 50–300 ms per worker).
 * The configs come from layers built in this process, so they are already valid. Returns null for any other
 * layer type (or a user-function Elementwise): kernelFn then stays on one thread.
 */
const BUILDERS: Record<string, (c: LayerConfig) => Layer | null> = {
  serial: (c) => {
    const children = (c.layers as LayerConfig[]).map(rebuildFused);
    return children.every((l) => l !== null) ? serial(...(children as Layer[])) : null;
  },
  Dense: (c) =>
    Dense({
      width: c.width as number,
      W_std: c.W_std as number,
      b_std: c.b_std as number | null,
      parameterization: c.parameterization as Parameterization,
    }),
  Identity: () => Identity(),
  Relu: () => Relu(),
  ABRelu: (c) => ABRelu({ a: c.a as number, b: c.b as number }),
  LeakyRelu: (c) => LeakyRelu({ alpha: c.alpha as number }),
  Abs: () => Abs(),
  Erf: (c) => Erf({ a: c.a as number, b: c.b as number, c: c.c as number }),
  Gelu: () => Gelu(),
  Sin: (c) => Sin({ a: c.a as number, b: c.b as number, c: c.c as number }),
  Cos: (c) => Cos({ a: c.a as number, b: c.b as number, c: c.c as number }),
  Rbf: (c) => Rbf({ gamma: c.gamma as number }),
  Elementwise: (c) =>
    c.fn === '<function>'
      ? null
      : Elementwise({
          fn: c.fn as string,
          nodes: c.nodes as number | undefined,
          breakpoints: c.breakpoints as number[] | undefined,
        }),
};

export function rebuildFused(config: LayerConfig): Layer | null {
  const b = BUILDERS[config.type];
  return b === undefined ? null : b(config);
}
