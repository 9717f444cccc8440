import { checkConvOptions, sharedWeightConv, type ConvLayer, type ConvOptions } from './conv.js';
import { transposeGeometry } from './geometry.js';
import { NtkInputError } from '../../errors.js';

/**
 * Transposed convolution (neural-tangents `stax.ConvTranspose`, finite layer `lax.conv_transpose` with
 * `transpose_kernel=False`), 1-D or 2-D, inputs NHWC: the input dilated by the strides and convolved with stride
 * 1 under the padding of XLA's `_conv_transpose_padding` ('SAME': n·s outputs per axis; 'VALID':
 * n·s + max(f − s, 0); 'CIRCULAR': the 'VALID' output folded periodically onto n·s positions, as
 * neural-tangents), window map in ./geometry.ts (`transposeGeometry`). Fan-in C·|f| as neural-tangents, so
 *  - 'ntk':      y(o) = (W_std/√(C·|f|))·Σ_{a, c} x_c(src(o, a))·W_{a, c, ·} + b_std·b;
 * and the kernel map is Conv's on the transposed map: Σ'(o, o') = W_std²·(1/|f|)·Σ_a Σ(src(o, a), src(o', a))
 * + b_std², Θ' = Σ' + W_std²·(1/|f|)·Σ_a Θ(src(o, a), src(o', a)) (padding terms are 0; with stride s only about
 * |f|/s^rank offsets meet an input at each output, as in neural-tangents' kernel). Equal output positions read
 * equal input positions, so the diagonal-spatial layout is exact through it.
 */
export type ConvTransposeOptions = Omit<ConvOptions, 'dilation'>;

/** A transposed convolution (neural-tangents `stax.ConvTranspose`). */
export function ConvTranspose(opts: ConvTransposeOptions): ConvLayer {
  if (opts !== null && typeof opts === 'object' && (opts as ConvOptions).dilation !== undefined)
    throw new NtkInputError(
      'ConvTranspose: dilation is not supported (neural-tangents has none); use strides, filter and padding',
    );
  const h = checkConvOptions('ConvTranspose', opts);
  return sharedWeightConv('ConvTranspose', h, (S, where) =>
    transposeGeometry(S, h.filter, h.strides, h.padding, where),
  );
}
