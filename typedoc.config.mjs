// TypeDoc: the API reference (`npm run docs` → docs/api/), one module per folder of the public API. The
// build fails on a public export without TSDoc (validation.notDocumented, warnings as errors).
import { existsSync } from 'node:fs';

const modules = [
  'linalg',
  'random',
  'special',
  'nn',
  'kernels',
  'empirical',
  'train',
  'predict',
  'spectral',
  'tiles',
  'io',
];

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'ntk-lab',
  entryPoints: [...modules.map((m) => `src/${m}/index.ts`).filter((f) => existsSync(f)), 'src/errors.ts'],
  entryPointStrategy: 'resolve',
  tsconfig: 'tsconfig.json',
  out: 'docs/api',
  readme: 'none',
  excludePrivate: true,
  excludeInternal: true,
  excludeNotDocumented: false,
  sort: ['kind', 'instance-first', 'alphabetical-ignoring-documents'],
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias', 'Namespace'],
  // Type-level helpers of result types that follow the call; the exported types document their effect.
  intentionallyNotExported: [
    ...['SureKernels', 'MaybeKernels'].map((n) => `src/kernels/kernelFn.ts:${n}`),
    ...['Field', 'Flag', 'IfGiven', 'EigenvectorsOf'].map((n) => `src/train/train.ts:${n}`),
    // The entry type of NAMED_ELEMENTWISE (φ, φ′, kinks), documented there.
    'src/nn/activations/elementwise.ts:Named',
    // The zod schema TilePlan is inferred from; TilePlan documents the manifest.
    'src/tiles/plan.ts:planSchema',
  ],
  treatWarningsAsErrors: false,
  treatValidationWarningsAsErrors: true,
  logLevel: 'Warn',
};
