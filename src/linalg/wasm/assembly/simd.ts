// Shared helpers of the AssemblyScript kernels: byte addressing of float64 storage and the f64x2
// multiply–add, fused (relaxed SIMD) when the build enables it, a separate multiply and add otherwise.

/** Byte address of element i of a float64 array starting at byte address p. */
// prettier-ignore
@inline export function at(p: usize, i: i32): usize {
  return p + ((<usize>i) << 3);
}

@inline export function ld(p: usize, i: i32): f64 {
  return load<f64>(at(p, i));
}

@inline export function st(p: usize, i: i32, x: f64): void {
  store<f64>(at(p, i), x);
}

/** Element i of a float64 array at p in both lanes: one instruction, where V8 builds an f64x2 immediate from three. */
@inline export function splatAt(p: usize, i: i32): v128 {
  return v128.load64_splat(at(p, i));
}

/** a·b + c lane-wise: one fused instruction with relaxed SIMD (rounded once), else mul then add. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}
