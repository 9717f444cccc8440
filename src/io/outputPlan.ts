import { accessSync, constants, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import { canonicalPath, isDirectory, resolveOutputTarget } from './outputTarget.js';

/** A command-line path and the flag it came from (for the error messages). */
export interface NamedPath {
  readonly flag: string;
  readonly path: string;
}

/** An output of a command: a file, or a folder that ntk writes its own files into. */
export interface PlannedOutput extends NamedPath {
  readonly kind: 'file' | 'dir';
}

function writableFolder(flag: string, dir: string): void {
  if (!isDirectory(dir)) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new NtkInputError(
        `${flag}: cannot create the folder '${dir}': ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new NtkInputError(`${flag}: the folder '${dir}' is not writable`);
  }
}

/**
 * Check every output of a command before any computation (docs/conventions.md §4): missing parent folders are
 * created; an output that is a FIFO, device, folder (for a file output) or read-only file is refused; an
 * output that resolves (through symlinks) to one of the command's inputs, or to another output, is
 * refused. Errors name the flags and paths.
 */
export function checkOutputs(outputs: readonly PlannedOutput[], inputs: readonly NamedPath[]): void {
  const ins = inputs.map((i) => ({ ...i, real: canonicalPath(i.path) }));
  const seen: { flag: string; real: string }[] = [];
  for (const o of outputs) {
    let real: string;
    if (o.kind === 'dir') {
      real = resolve(o.path);
      const c = canonicalPath(real);
      if (c !== null && !isDirectory(c))
        throw new NtkInputError(`${o.flag} '${o.path}' exists and is not a folder`);
      writableFolder(o.flag, real);
      real = canonicalPath(real) ?? real;
    } else {
      const t = resolveOutputTarget(o.path, `${o.flag}: `);
      writableFolder(o.flag, dirname(t.path));
      real = resolve(
        canonicalPath(dirname(t.path)) ?? dirname(t.path),
        t.path.slice(dirname(t.path).length + 1),
      );
    }
    for (const i of ins) {
      if (i.real !== null && i.real === real)
        throw new NtkInputError(
          `${o.flag} '${o.path}' is the input ${i.flag} '${i.path}'; ntk never writes over its inputs (choose another output path)`,
        );
    }
    const dup = seen.find((s) => s.real === real);
    if (dup)
      throw new NtkInputError(
        `${o.flag} '${o.path}' is the same path as ${dup.flag}; give each output its own path`,
      );
    seen.push({ flag: o.flag, real });
  }
}
