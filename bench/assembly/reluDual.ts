// AssemblyScript twin of the fused tile interpreter's inner loop (src/kernels/fused.ts), for the
// micro-benchmark in bench/cases/wasm-kernels.ts only: per entry j, L × (affine: Σ ← w·Σ + b,
// Θ ← Σ + w·Θ; ReLU dual with the 1/(2π) normalization, Cho & Saul 2009: ρ = Σ/√(q₁q₂),
// Σ ← √(q₁q₂)·(√(1 − ρ²) + (π − acos ρ)·ρ)/(2π), Θ ← Θ·(π − acos ρ)/(2π)).
// `scalar`: one entry at a time with the standard library's acos; `simd`: two entries per f64x2 for
// everything except acos, which has no wasm instruction and stays scalar per lane.

const INV_2PI: f64 = 1 / (2 * Math.PI);

export function scalar(n: i32, L: i32, w: f64, b: f64, qq: usize, s: usize, t: usize): void {
  for (let j = 0; j < n; j++) {
    let sj = load<f64>(s + ((<usize>j) << 3));
    let tj: f64 = 0;
    for (let l = 0; l < L; l++) {
      sj = w * sj + b;
      tj = sj + w * tj;
      const nrm = Math.sqrt(load<f64>(qq + ((<usize>(l * n + j)) << 3)));
      const c = nrm == 0 ? 0 : sj / nrm;
      const r = c > 1 ? 1 : c < -1 ? -1 : c;
      const p = Math.PI - Math.acos(r);
      sj = nrm * (Math.sqrt(1 - r * r) + p * r) * INV_2PI;
      tj *= p * INV_2PI;
    }
    store<f64>(s + ((<usize>j) << 3), sj);
    store<f64>(t + ((<usize>j) << 3), tj);
  }
}

export function simd(n: i32, L: i32, w: f64, b: f64, qq: usize, s: usize, t: usize): void {
  const vw = f64x2.splat(w);
  const vb = f64x2.splat(b);
  const one = f64x2.splat(1);
  const k = f64x2.splat(INV_2PI);
  for (let j = 0; j + 1 < n; j += 2) {
    let sj = v128.load(s + ((<usize>j) << 3));
    let tj = f64x2.splat(0);
    for (let l = 0; l < L; l++) {
      sj = f64x2.add(f64x2.mul(vw, sj), vb);
      tj = f64x2.add(sj, f64x2.mul(vw, tj));
      const nrm = f64x2.sqrt(v128.load(qq + ((<usize>(l * n + j)) << 3)));
      const c = f64x2.div(sj, nrm); // inputs here have q > 0
      const r = f64x2.max(f64x2.min(c, one), f64x2.neg(one));
      const r0 = f64x2.extract_lane(r, 0);
      const r1 = f64x2.extract_lane(r, 1);
      const p = f64x2.replace_lane(f64x2.splat(Math.PI - Math.acos(r0)), 1, Math.PI - Math.acos(r1));
      const sn = f64x2.sqrt(f64x2.sub(one, f64x2.mul(r, r)));
      sj = f64x2.mul(f64x2.mul(nrm, f64x2.add(sn, f64x2.mul(p, r))), k);
      tj = f64x2.mul(tj, f64x2.mul(p, k));
    }
    v128.store(s + ((<usize>j) << 3), sj);
    v128.store(t + ((<usize>j) << 3), tj);
  }
}
