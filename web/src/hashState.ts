import type { LabParams } from './compute/result.js';
import type { ViewDef } from './views/types.js';
import { NtkInputError } from '../../src/errors.js';
import { parseBackend, type LabBackendChoice } from './backend.js';

/**
 * The lab's state lives in the URL hash, `#view=kernel&depth=3&…`, so a view is a link. Parameters a hash
 * omits take the view's defaults; a value out of a control's range or options is an error shown in the page.
 * `backend=wasm|ts` picks the linear-algebra backend (none: WebAssembly where it runs, see backend.ts).
 */
export function parseHash(
  hash: string,
  views: readonly ViewDef[],
): { view: ViewDef; params: LabParams; backend: LabBackendChoice } {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const name = q.get('view') ?? views[0].name;
  const view = views.find((v) => v.name === name);
  if (!view)
    throw new NtkInputError(`#view must be one of ${views.map((v) => v.name).join(', ')}, got '${name}'`);
  const params: LabParams = {};
  for (const c of view.controls) {
    const raw = q.get(c.key);
    if (raw === null) {
      params[c.key] = c.default;
      continue;
    }
    if (c.kind === 'number') {
      const v = Number(raw);
      if (!Number.isFinite(v) || (c.min !== undefined && v < c.min) || (c.max !== undefined && v > c.max))
        throw new NtkInputError(`#${c.key} must be a number in [${c.min}, ${c.max}], got '${raw}'`);
      params[c.key] = v;
    } else if (c.kind === 'select') {
      if (!c.options!.includes(raw))
        throw new NtkInputError(`#${c.key} must be one of ${c.options!.join(', ')}, got '${raw}'`);
      params[c.key] = raw;
    } else params[c.key] = raw;
  }
  return { view, params, backend: parseBackend(q.get('backend')) };
}

export function formatHash(view: ViewDef, params: LabParams, backend: LabBackendChoice): string {
  const q = new URLSearchParams({ view: view.name });
  for (const c of view.controls) q.set(c.key, String(params[c.key]));
  if (backend !== 'auto') q.set('backend', backend);
  return '#' + q.toString();
}
