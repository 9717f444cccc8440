/**
 * Special functions: error function, normal distribution, Gauss quadrature rules, an adaptive ODE solver.
 * @module
 */
export { erf, erfc } from './erf.js';
export { normalPdf, normalCdf } from './normal.js';
export type { GaussRule } from './gaussRule.js';
export { gaussHermite, gaussHermiteNormal, gaussLegendre, gaussRuleFromJacobi } from './gaussRule.js';
export { dormandPrince } from './dormandPrince.js';
export type { OdeOptions, OdeRhs, OdeSolution } from './dormandPrince.js';
