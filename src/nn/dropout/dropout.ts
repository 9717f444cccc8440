import { NtkInputError, NtkTypeError } from '../../errors.js';
import { PRNGKey, foldIn } from '../../random/keys.js';
import { uniform } from '../../random/uniform.js';
import { replaceKernel } from '../kernelRecord.js';
import { single, singleShape } from '../tensor.js';
import type { Cache, Flow, Kernel, Layer, Params, Tensor } from '../types.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** The keep probability in (0, 1], as neural-tangents (rate = 1 keeps every unit). */
  readonly rate: number;
  /** 'train': a random mask; 'test': the identity (default 'train', as neural-tangents). */
  readonly mode?: 'train' | 'test';
  /** Seed of the masks (default 0): the mask of row n of a batch is drawn from foldIn(PRNGKey(seed), n). */
  readonly seed?: number;
}

/**
 * Dropout (neural-tangents `stax.Dropout`, after jax's stax): in train mode y = m ⊙ x / rate with m ~ Bernoulli(rate)
 * per entry, independent between examples (row n of a batch gets the mask drawn from foldIn(PRNGKey(seed), n),
 * so one batch sees one network in forward, VJP and JVP); in test mode the identity. The infinite-width
 * train-mode kernel (Schoenholz et al. 2017; neural-tangents' kernel_fn): E[m m'/rate²] is 1/rate for the same
 * example at the same position and 1 otherwise, so var1/var2 and, when x2 is x1, the entries (x, x) at equal
 * positions are scaled by 1/rate; the rest is unchanged and the record is no longer Gaussian.
 */
export function Dropout(opts: DropoutOptions): Layer {
  if (opts === null || typeof opts !== 'object')
    throw new NtkTypeError(`Dropout: expected options { rate, mode?, seed? }, got ${String(opts)}`);
  const { rate } = opts;
  const mode = opts.mode ?? 'train';
  const seed = opts.seed ?? 0;
  if (typeof rate !== 'number' || !(rate > 0 && rate <= 1))
    throw new NtkInputError(`Dropout: rate (the keep probability) must be in (0, 1], got ${String(rate)}`);
  if (mode !== 'train' && mode !== 'test')
    throw new NtkInputError(`Dropout: mode must be 'train' or 'test', got ${String(mode)}`);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31)
    throw new NtkInputError(`Dropout: seed must be an integer in [0, 2^31), got ${String(seed)}`);
  const train = mode === 'train';
  const key = PRNGKey(seed);
  const mask = (shape: readonly number[]): Float64Array => {
    const n = shape[0];
    const per = shape.slice(1).reduce((a, b) => a * b, 1);
    const m = new Float64Array(n * per);
    for (let i = 0; i < n; i++) {
      const u = uniform(foldIn(key, i), per);
      for (let j = 0; j < per; j++) m[i * per + j] = u[j] < rate ? 1 / rate : 0;
    }
    return m;
  };
  const scale = (m: Float64Array | null, t: Tensor): Tensor => {
    if (m === null) return t;
    const out = new Float64Array(t.data.length);
    for (let i = 0; i < out.length; i++) out[i] = t.data[i] * m[i];
    return { shape: [...t.shape], data: out };
  };
  return {
    type: 'Dropout',
    config: { type: 'Dropout', rate, mode, seed },
    children: [],
    outShape: (s: Flow<readonly number[]>) => [...singleShape(s, 'Dropout')],
    init: (): Params => ({}),
    forward(_p: Params, x: Flow<Tensor>) {
      const t = single(x, 'Dropout');
      const m = train ? mask(t.shape) : null;
      return { y: scale(m, t), cache: { m, shape: t.shape } };
    },
    backward(_p: Params, cache: Cache, gy: Flow<Tensor>) {
      const { m } = cache as { m: Float64Array | null };
      return { gx: scale(m, single(gy, 'Dropout')), gparams: {} };
    },
    jvp(_p: Params, cache: Cache, tx: Flow<Tensor> | null): Tensor {
      const { m, shape } = cache as { m: Float64Array | null; shape: number[] };
      if (tx === null) return { shape: [...shape], data: new Float64Array(shape.reduce((a, b) => a * b, 1)) };
      return scale(m, single(tx, 'Dropout'));
    },
    kernel(k: Flow<Kernel>): Kernel {
      if (Array.isArray(k))
        throw new NtkTypeError(`Dropout: expected one kernel record, got a list of ${k.length}`);
      return train ? dropoutKernel(k, 1 / rate) : k;
    },
  };
}

/** The train-mode kernel map: var1/var2 × f; when x2 is x1, the (x, x) entries at equal positions × f. */
function dropoutKernel(k: Kernel, f: number): Kernel {
  const P = k.spatial.reduce((a, b) => a * b, 1);
  const block = k.diagonalSpatial ? P : P * P;
  const scaleDiagonal = (a: Float64Array | null): Float64Array | null => {
    if (a === null) return null;
    const out = Float64Array.from(a);
    if (!k.symmetric) return out;
    for (let i = 0; i < k.n1; i++) {
      const base = (i * k.n2 + i) * block;
      if (k.diagonalSpatial) for (let p = 0; p < P; p++) out[base + p] *= f;
      else for (let p = 0; p < P; p++) out[base + p * P + p] *= f;
    }
    return out;
  };
  const var1 = k.var1.map((v) => v * f);
  return replaceKernel(k, {
    nngp: scaleDiagonal(k.nngp)!,
    ntk: scaleDiagonal(k.ntk),
    var1,
    var2: k.var2 === k.var1 ? var1 : k.var2.map((v) => v * f),
    isGaussian: false,
  });
}
