/**
 * In-place iterative radix-2 complex FFT (Cooley & Tukey 1965): X_k = Σ_n x_n·e^{−2πikn/N}, N a power of two.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const N = re.length;
  if (im.length !== N || N === 0 || (N & (N - 1)) !== 0)
    throw new RangeError(
      `fft: length must be a power of two with re, im equal, got ${re.length}, ${im.length}`,
    );
  for (let i = 1, j = 0; i < N; i++) {
    let bit = N >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= N; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const half = len >> 1;
    for (let i = 0; i < N; i += len) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}
