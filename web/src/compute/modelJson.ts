import type { ModelJson } from '../../../src/nn/model.js';
import { NtkInputError } from '../../../src/errors.js';

/**
 * The fully-connected networks of the lab as model-file JSON (the format `ntk --model` reads), so every
 * view's network is exactly the one its "reproduce in the CLI" command loads: `depth` hidden
 * Dense(width)–activation blocks and a Dense(1) readout, all with the same W_std and b_std
 * (b_std = 0 means no bias).
 */
export interface DenseSpec {
  readonly depth: number;
  readonly width: number;
  readonly activation: string;
  readonly W_std: number;
  readonly b_std: number;
  readonly parameterization: 'ntk' | 'standard';
  /** 'dense' (default) or 'conv': 1-D convolutions (filter 3, SAME padding, `width` channels), then Flatten. */
  readonly arch?: 'dense' | 'conv';
}

export const ACTIVATIONS = ['Relu', 'Erf', 'Gelu', 'Abs', 'Identity'] as const;

export function denseModelJson(s: DenseSpec): ModelJson {
  if (s.arch !== undefined && s.arch !== 'dense' && s.arch !== 'conv')
    throw new NtkInputError(`arch must be 'dense' or 'conv', got '${String(s.arch)}'`);
  if (!Number.isInteger(s.depth) || s.depth < 1)
    throw new NtkInputError(`depth must be an integer ≥ 1, got ${s.depth}`);
  if (!Number.isInteger(s.width) || s.width < 1)
    throw new NtkInputError(`width must be an integer ≥ 1, got ${s.width}`);
  if (!(ACTIVATIONS as readonly string[]).includes(s.activation))
    throw new NtkInputError(`activation must be one of ${ACTIVATIONS.join(', ')}, got '${s.activation}'`);
  const dense = (width: number) => ({
    type: 'Dense',
    width,
    W_std: s.W_std,
    b_std: s.b_std === 0 ? null : s.b_std,
  });
  const conv = () => ({
    type: 'Conv',
    channels: s.width,
    filter: [3],
    padding: 'SAME',
    W_std: s.W_std,
    b_std: s.b_std === 0 ? null : s.b_std,
  });
  const layers: Record<string, unknown>[] = [];
  for (let l = 0; l < s.depth; l++)
    layers.push(s.arch === 'conv' ? conv() : dense(s.width), { type: s.activation });
  if (s.arch === 'conv') layers.push({ type: 'Flatten' });
  layers.push(dense(1));
  return { parameterization: s.parameterization, layers } as unknown as ModelJson;
}
