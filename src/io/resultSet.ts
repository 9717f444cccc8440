import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import { canonicalPath } from './outputTarget.js';
import { serializeNpy } from './npy.js';

/** An array written beside a JSON manifest as `<base>.<suffix>.npy` (float64, C order). */
export interface Sidecar {
  readonly suffix: string;
  readonly data: Float64Array;
  readonly shape: readonly number[];
}

/** What the manifest records of each sidecar, so a reader can check the set is one run's. */
export interface SidecarRecord {
  readonly file: string;
  readonly sha256: string;
}

/** `.npy` path prefix beside the JSON output: run.json → run. */
export function sidecarBase(out: string): string {
  return out.endsWith('.json') ? out.slice(0, -5) : out;
}

/** The sidecar file names the manifest at `out` lists (none when it is missing or not one of ours). */
function previousSidecars(out: string): string[] {
  try {
    const old = JSON.parse(readFileSync(out, 'utf8')) as { runId?: unknown; sidecars?: unknown };
    if (typeof old.runId !== 'string' || !Array.isArray(old.sidecars)) return [];
    return old.sidecars.filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}

/**
 * Write a result as a consistent set (docs/conventions.md §4): a JSON manifest at `out` and its arrays beside it as
 * `<base>.<suffix>.npy`. The manifest text — built by `manifest(runId, records)`, holding the run id, the
 * sidecar names (`sidecars`) and their SHA-256 — is made first, so a refused result writes nothing. Then, on
 * disk: the old manifest is replaced by a placeholder naming the new run (a kill never leaves the previous
 * run's manifest beside the new run's arrays), the sidecars are written, and the manifest last. Sidecars the
 * previous manifest listed that this run does not write are removed (never a file of `protect`, the
 * command's inputs). Returns the paths written.
 */
export function writeResultSet(
  out: string,
  sidecars: readonly Sidecar[],
  manifest: (runId: string, records: ReadonlyMap<string, SidecarRecord>) => string,
  protect: readonly string[] = [],
): string[] {
  const runId = `${new Date().toISOString()}-${randomBytes(4).toString('hex')}`;
  const base = sidecarBase(out);
  const prefix = `${basename(base)}.`;
  const stale = previousSidecars(out);
  // The manifest is built (and so validated) before anything is written: a refused result writes nothing.
  const records = new Map<string, SidecarRecord>();
  const paths = new Map<string, string>();
  for (const s of sidecars) {
    const path = `${base}.${s.suffix}.npy`;
    const sha256 = createHash('sha256')
      .update(serializeNpy(s.data, s.shape, 'float64'))
      .digest('hex');
    records.set(s.suffix, { file: basename(path), sha256 });
    paths.set(s.suffix, path);
  }
  const text = manifest(runId, records);
  writeFileAtomic(out, `${JSON.stringify({ runId, status: 'writing: this run was interrupted' })}\n`);
  for (const s of sidecars)
    writeFileAtomic(paths.get(s.suffix)!, serializeNpy(s.data, s.shape, 'float64'), { label: 'writeNpy' });
  writeFileAtomic(out, text);
  const written = [...paths.values()];
  const keep = new Set([...records.values()].map((r) => r.file));
  const protectedPaths = new Set(protect.map((p) => canonicalPath(p)).filter((p) => p !== null));
  for (const f of stale) {
    if (keep.has(f) || !f.startsWith(prefix) || !f.endsWith('.npy') || f.includes('/')) continue;
    const p = join(dirname(base), f);
    const real = canonicalPath(p);
    if (real !== null && protectedPaths.has(real)) continue;
    try {
      unlinkSync(p);
    } catch {
      // already gone
    }
  }
  return [out, ...written];
}

/**
 * Refuse a result at `out` whose sidecar names (`<base>.*.npy`) would cover one of the command's inputs:
 * writing the set, or removing its stale sidecars, could then replace or delete that input.
 */
export function assertSidecarsAreNotInputs(
  flag: string,
  out: string,
  inputs: readonly { flag: string; path: string }[],
): void {
  const base = resolve(sidecarBase(out));
  const dir = canonicalPath(dirname(base)) ?? dirname(base);
  const prefix = `${basename(base)}.`;
  for (const i of inputs) {
    const real = canonicalPath(i.path);
    if (real === null) continue;
    if (dirname(real) === dir && basename(real).startsWith(prefix) && real.endsWith('.npy'))
      throw new NtkInputError(
        `${flag} '${out}' writes its arrays as ${prefix}*.npy beside it, which covers the input ${i.flag} '${i.path}'; choose another output name`,
      );
  }
}
