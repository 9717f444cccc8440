import { NtkInputError } from '../../src/errors.js';
import { simdAvailable } from '../../src/linalg/wasm/index.js';

/**
 * The lab's linear-algebra backend, by name: `wasm` (the WebAssembly SIMD kernels of src/linalg/wasm, the
 * default wherever the engine runs WebAssembly SIMD) or `ts` (pure TypeScript). The URL hash may ask for
 * one (`backend=ts`); an unknown name is an error, never a silent fallback, and so is `wasm` on an engine
 * without WebAssembly SIMD.
 */
export const LAB_BACKENDS = ['wasm', 'ts'] as const;
export type LabBackendName = (typeof LAB_BACKENDS)[number];
/** What the hash says: a backend, or `auto` when it names none. */
export type LabBackendChoice = LabBackendName | 'auto';

/** Check a backend name from the URL hash (null: none given). */
export function parseBackend(raw: string | null): LabBackendChoice {
  if (raw === null) return 'auto';
  if (!(LAB_BACKENDS as readonly string[]).includes(raw))
    throw new NtkInputError(`#backend must be one of ${LAB_BACKENDS.join(', ')}, got '${raw}'`);
  return raw as LabBackendName;
}

/** Make `choice` the active backend through `set` (src/linalg's setBackend); returns the one chosen. */
export function selectBackend(choice: string, set: (n: LabBackendName) => unknown): LabBackendName {
  const asked = choice === 'auto' ? 'auto' : parseBackend(choice);
  const name: LabBackendName = asked === 'auto' ? (simdAvailable() ? 'wasm' : 'ts') : asked;
  if (name === 'wasm' && !simdAvailable())
    throw new NtkInputError('backend=wasm: this browser has no WebAssembly 128-bit SIMD; use backend=ts');
  set(name);
  return name;
}
