import { NtkInputError } from '../../src/errors.js';
/**
 * The lab's linear-algebra backend, pluggable by name: only the pure-TypeScript `ts` backend runs in the
 * browser today; a WebAssembly backend registers here when it lands. The URL hash may ask for one
 * (`backend=ts`); an unknown name is an error, never a silent fallback.
 */
export const LAB_BACKENDS = ['ts'] as const;
export type LabBackendName = (typeof LAB_BACKENDS)[number];

export function selectBackend(name: string, set: (n: 'ts') => unknown): LabBackendName {
  if (!(LAB_BACKENDS as readonly string[]).includes(name))
    throw new NtkInputError(`backend must be one of ${LAB_BACKENDS.join(', ')}, got '${name}'`);
  set('ts');
  return name as LabBackendName;
}
