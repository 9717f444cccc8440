// `npm pack` of this repository, as the package tests see it: the tarball (in a temp folder) and npm's
// report of its files, size and entry count. Lifecycle scripts are skipped: dist/ is already built.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './project.testutil.js';

export interface Packed {
  /** The .tgz file. */
  readonly tarball: string;
  /** Paths inside the package (no `package/` prefix). */
  readonly files: string[];
  /** Compressed size in bytes. */
  readonly size: number;
  readonly unpackedSize: number;
  readonly entryCount: number;
}

/** Pack the repository into a new temp folder. */
export function pack(): Packed {
  const dest = mkdtempSync(join(tmpdir(), 'ntk-pack-'));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}):\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as {
    filename: string;
    files: { path: string }[];
    size: number;
    unpackedSize: number;
    entryCount: number;
  }[];
  return {
    tarball: join(dest, info.filename),
    files: info.files.map((f) => f.path),
    size: info.size,
    unpackedSize: info.unpackedSize,
    entryCount: info.entryCount,
  };
}
