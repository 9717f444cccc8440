/**
 * Start-up of the `ntk` command, timed as whole processes (spawn to exit): `ntk --help` (no sub-command
 * is loaded) and `ntk kernel` of a ReLU MLP on 20 points (the kernel sub-command, its inputs and the
 * backend). Targets on the project machine: ≤ 0.12 s and ≤ 0.25 s; the bare `node -e 0` start is
 * recorded beside them, since a loaded machine moves all three.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, BenchContext } from '../harness.js';
import { repoRoot } from '../peers.js';
import { writeMatrix } from '../../src/io/npyFile.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { PRNGKey, normal } from '../../src/random/index.js';

function timed(ctx: BenchContext, args: string[], cwd: string): number {
  const t = ctx.measure(
    () => {
      const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, NTK_QUIET: '1' } });
      if (r.status !== 0) throw new Error(`bench startup: ${args.join(' ')} failed: ${String(r.stderr)}`);
    },
    { warmup: true, reps: Math.max(ctx.reps, 10), budgetSeconds: 10 },
  );
  return t.median;
}

async function run(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-bench-startup-'));
  try {
    const bin = join(repoRoot(), 'bin', 'ntk.js');
    writeFileSync(
      join(dir, 'm.json'),
      JSON.stringify({
        parameterization: 'ntk',
        layers: [
          { type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 },
          { type: 'Relu' },
          { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
        ],
      }),
    );
    writeMatrix(join(dir, 'x.npy'), new Matrix(20, 5, normal(PRNGKey(0), 100)));
    const node = timed(ctx, ['-e', '0'], dir);
    ctx.record({
      task: 'node -e 0',
      size: 'process',
      impl: 'node',
      seconds: node,
      note: 'median, whole process',
    });
    const help = timed(ctx, [bin, '--help'], dir);
    ctx.record({
      task: 'ntk --help',
      size: 'process',
      impl: 'ntk-lab',
      seconds: help,
      note: 'median, whole process',
    });
    const kernel = timed(ctx, [bin, 'kernel', '--model', 'm.json', '--x1', 'x.npy', '--out', 'k.npy'], dir);
    ctx.record({
      task: 'ntk kernel',
      size: 'N=20 d=5',
      impl: 'ntk-lab',
      seconds: kernel,
      note: 'median, whole process',
    });
    ctx.accept('ntk --help seconds', help, { max: 0.12 });
    ctx.accept('ntk kernel (20 points) seconds', kernel, { max: 0.25 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchCase: BenchCase = {
  name: 'startup',
  description: 'whole-process start-up: ntk --help and ntk kernel on 20 points (targets 0.12 s / 0.25 s)',
  run,
};
