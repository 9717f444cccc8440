// Build the static lab site (what `npm run lab:build` does) from Node: the Chromium tests and the lab
// benchmark build it first, so they always run against the current sources.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Run `vite build` for web/ into site/ under `root` (the repository); throws with Vite's output on failure. */
export function buildSite(root: string): string {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'error',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`lab:build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return join(root, 'site');
}
