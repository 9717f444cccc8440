import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMatrix } from '../io/npyFile.js';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal } from '../random/index.js';

/** Helpers of the tile tests: the ntk command, a model file and seeded inputs. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const bin = join(root, 'bin', 'ntk.js');

export function ntk(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function denseModel(path: string, depth: number): void {
  const layers: unknown[] = [];
  for (let i = 0; i < depth; i++)
    layers.push({ type: 'Dense', width: 512, W_std: 1.4, b_std: 0.1 }, { type: 'Relu' });
  layers.push({ type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 });
  writeFileSync(path, JSON.stringify({ parameterization: 'ntk', layers }));
}

export function inputs(path: string, n: number, d: number, seed: number): Matrix {
  const x = new Matrix(n, d, normal(PRNGKey(seed), n * d));
  writeMatrix(path, x);
  return x;
}
