/**
 * Spectral analysis of kernels: alignment, summaries, cube / sphere / circle spectra.
 * @module
 */
export {
  alignmentCurve,
  alignmentSeries,
  eighDescending,
  trainingAlignment,
  type AlignmentSnapshot,
  type AlignmentRun,
} from './alignment.js';
export { spectrumSummary, type SpectrumSummary } from './summary.js';
export {
  cubePoints,
  cubeSpectrumFromValues,
  cubeSpectrumFromFixed,
  cubeSpectrumPrecise,
  cubeSpectrumOfStack,
  fractionalVarianceByDepth,
  binomialRow,
  type CubeSpectrum,
  type KernelPart,
} from './cube.js';
export {
  sphereSpectrum,
  sphereMultiplicity,
  gegenbauerNormalized,
  type SphereSpectrum,
  type SphereOptions,
} from './sphere.js';
export { gaussGegenbauer, type Quadrature } from './quadrature.js';
export {
  networkDotProduct,
  requireDotProductModel,
  preciseLayersOfModel,
  type DotProductFn,
  type DotProductPart,
} from './dotProduct.js';
export { preciseStackKernel, type PreciseLayer, type PreciseKernelValues } from './precise/stack.js';
export type { Fixed } from './precise/fixed.js';
export { twoLayerReluBias, circleKernelOf, angularDistance, type CircleKernel } from './circle/kernels.js';
export {
  piecewiseDensity,
  uniformDensity,
  functionDensity,
  parseDensity,
  densityAt,
  type CircleDensity,
} from './circle/density.js';
export { circleNystrom, circleGrid, type CircleEigen, type NystromOptions } from './circle/nystrom.js';
export { basriZ, eq17AsTyped, eq17Corrected, eq17List, predictedLocalFrequencies } from './circle/eq17.js';
export { localFrequency, regionFrequencies, type LocalFrequency } from './circle/localFrequency.js';
export {
  sampleCircle,
  sampleKernelOperator,
  twoLayerSampleOperator,
  circleSampleSpectrum,
  type SampleSpectrum,
} from './circle/samples.js';
