// fdlibm's rational approximation of asin on [0, 1/2] (Sun Microsystems, e_asin.c / e_acos.c, 1993):
// asin t = t + t·t²·R(t²), z·R(z) = P(z)/Q(z) with these published minimax coefficients.
const pS0 = 1.66666666666666657415e-1;
const pS1 = -3.25565818622400915405e-1;
const pS2 = 2.01212532134862925881e-1;
const pS3 = -4.00555345006794114027e-2;
const pS4 = 7.91534994289814532176e-4;
const pS5 = 3.4793310759602116757e-5;
const qS1 = -2.40339491173441421878;
const qS2 = 2.02094576023350569471;
const qS3 = -6.8828397160545329303e-1;
const qS4 = 7.70381505559019352791e-2;

const pio2Hi = 1.570796326794896558; // 0x3FF921FB54442D18
const pio2Lo = 6.12323399573676603587e-17; // 0x3C91A62633145C07
const pi = 3.141592653589793116; // 0x400921FB54442D18

/** z·R(z) = P(z)/Q(z) on [0, 1/4], P and Q by Estrin's scheme (shorter dependency chains than Horner's). */
function ratio(z: number): number {
  const z2 = z * z;
  const p = z * (pS0 + z * pS1 + z2 * (pS2 + z * pS3 + z2 * (pS4 + z * pS5)));
  const q = 1 + z * qS1 + z2 * (qS2 + z * qS3 + z2 * qS4);
  return p / q;
}

/**
 * arccos x by fdlibm's method (e_acos.c) with fdlibm's R evaluated by Estrin's scheme, and with one division
 * where correlations of deep ReLU networks live (x ≥ 1/2):
 *   |x| < 1/2:  acos x = π/2 − (x + x·z·R(z)), z = x², π/2 as a head and a tail (pio2Hi + pio2Lo);
 *   x ≤ −1/2:   acos x = π − 2·asin √z, z = (1 − |x|)/2;
 *   x ≥ 1/2:    acos x = 2·asin √z, z = (1 − x)/2 ∈ [0, 1/4] exact,
 * with asin s = s + s·z·R(z). fdlibm also splits √z into a head and a correction (a second division) to reach < 1 ulp
 * above 1/2; without it the error is that of √z: ≤ 2 ulp from Math.acos (src/linalg/wasm/acos.test.ts checks the
 * bounds). The f64x2 arccos of the CNTK stencil (src/linalg/wasm/assembly/acos.ts) runs the same operations in the
 * same order, so both give the same bits. NaN for NaN and outside [−1, 1].
 */
export function arccos(x: number): number {
  if (x >= 0.5) {
    const z = (1 - x) * 0.5;
    const s = Math.sqrt(z);
    return 2 * (s + ratio(z) * s);
  }
  if (x > -0.5) return pio2Hi - (x - (pio2Lo - x * ratio(x * x)));
  const z = (1 - Math.abs(x)) * 0.5;
  const s = Math.sqrt(z);
  return pi - 2 * (s + (ratio(z) * s - pio2Lo));
}
