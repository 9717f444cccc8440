/**
 * Special functions: error function, normal distribution, Gauss quadrature rules.
 * @module
 */
export { erf, erfc } from './erf.js';
export { normalPdf, normalCdf } from './normal.js';
export type { GaussRule } from './gaussRule.js';
export { gaussHermite, gaussHermiteNormal, gaussLegendre, gaussRuleFromJacobi } from './gaussRule.js';
