import type { Kernel, Layer } from '../nn/types.js';

/**
 * The network's infinite-width kernel map applied to a given record (e.g. a hand-made dot-product record
 * for spectra on the sphere): neural-tangents' `kernel_fn` on a `Kernel`. The network must end in one output.
 */
export function kernelOnRecord(net: Layer, k: Kernel): Kernel {
  const r = net.kernel(k);
  if (Array.isArray(r))
    throw new TypeError(
      `kernelOnRecord: the network ends in a list of ${r.length} kernels; add a FanIn layer`,
    );
  return r;
}
