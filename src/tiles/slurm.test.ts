import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMatrix } from '../io/npyFile.js';
import { getBackend } from '../linalg/select.js';
import { planTiles, readPlan } from './plan.js';
import { readRecord, tilePath } from './store.js';
import { tilesStatus } from './status.js';
import { denseModel, inputs, ntk, root } from './run.testutil.js';

/**
 * A real Slurm: the local single-node cluster of scripts/slurm-local.sh (started here when none answers,
 * stopped at the end). Skipped only where sbatch is not installed.
 */
const hasSbatch = spawnSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).status === 0;
const skip = hasSbatch
  ? false
  : 'sbatch is not installed (Debian: slurm-wlm slurmctld slurmd slurm-client munge)';
const dir = mkdtempSync(join(tmpdir(), 'ntk-slurm-'));
const p = (f: string): string => join(dir, f);
let started: string | null = null;

function slurm(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ensureCluster(): void {
  if (!process.env.SLURM_CONF && existsSync('/tmp/ntk-slurm-local/slurm.conf'))
    process.env.SLURM_CONF = '/tmp/ntk-slurm-local/slurm.conf';
  if (slurm('sinfo', ['-h']).status === 0) return;
  const local = p('cluster');
  // munged runs as the munge user: it must traverse this test's folder (mkdtemp makes it 0700)
  chmodSync(dir, 0o755);
  const r = spawnSync(join(root, 'scripts', 'slurm-local.sh'), ['start'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_LOCAL_DIR: local },
  });
  assert.equal(r.status, 0, `no Slurm answers and scripts/slurm-local.sh start failed: ${r.stderr}`);
  started = local;
  process.env.SLURM_CONF = join(local, 'slurm.conf');
}

async function waitIdle(jobs: (string | null)[], seconds: number): Promise<void> {
  const ids = jobs.filter((j): j is string => j !== null);
  const t0 = Date.now();
  while (Date.now() - t0 < seconds * 1000) {
    const q = slurm('squeue', ['-h', '-o', '%i %T', '-j', ids.join(',')]);
    if (q.status !== 0 || q.stdout.trim() === '') return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(
    `Slurm jobs ${ids.join(', ')} still queued after ${seconds} s: ${slurm('squeue', []).stdout}`,
  );
}

function submit(
  run: string,
  extra: string[] = [],
): { arrayJob: string | null; mergeJob: string | null; indices: number[] } {
  const r = ntk(['tiles', 'submit', run, '--slurm', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const subs = JSON.parse(readFileSync(join(run, 'slurm', 'submissions.json'), 'utf8')) as {
    arrayJob: string | null;
    mergeJob: string | null;
    indices: number[];
  }[];
  return subs[subs.length - 1];
}

/**
 * The merged kernel against `ntk kernel`'s: bit for bit on ts and wasm; within 1e-14 relative on blas, whose
 * GEMM may block a tile's rows differently from the whole matrix's (OpenBLAS's SkylakeX kernels do at
 * 1000-row tiles).
 */
function assertSameKernel(merged: string, reference: string): void {
  const a = readMatrix(merged);
  const b = readMatrix(reference);
  assert.equal(a.data.length, b.data.length);
  if (getBackend().name !== 'blas') {
    assert.ok(readFileSync(merged).equals(readFileSync(reference)), 'merged == ntk kernel, byte for byte');
    return;
  }
  for (let k = 0; k < b.data.length; k++)
    assert.ok(
      Math.abs(a.data[k] - b.data[k]) <= 1e-14 * Math.abs(b.data[k]),
      `entry ${k}: ${a.data[k]} vs ${b.data[k]}`,
    );
}

function reference(model: string, x: string, out: string): void {
  const r = ntk(['kernel', '--model', model, '--x1', x, '--get', 'ntk', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
}

test(
  'slurm: N = 300 in tiles of 100 — array + afterok merge, and a deleted tile is the only one resubmitted',
  { skip },
  async () => {
    ensureCluster();
    denseModel(p('m.json'), 2);
    inputs(p('x.npy'), 300, 10, 1);
    const run = p('small');
    assert.equal(
      ntk(['tiles', 'plan', '--model', p('m.json'), '--x1', p('x.npy'), '--tile', '100', '--dir', run])
        .status,
      0,
    );
    const s1 = submit(run, ['--max-running', '2']);
    assert.deepEqual(s1.indices, [0, 1, 2, 3, 4, 5]);
    assert.match(readFileSync(join(run, 'slurm', 'tiles.sbatch'), 'utf8'), /tiles run/);
    await waitIdle([s1.arrayJob, s1.mergeJob], 120);
    assert.equal(tilesStatus(run, true).done, 6);
    assert.ok(existsSync(join(run, 'kernel.npy')), 'the merge job wrote RUN/kernel.npy');
    const before = planTiles(readPlan(run)).map((t) => readRecord(run, t.index)!);
    assert.ok(before.every((r) => r.job !== null && r.job.startsWith(`slurm ${s1.arrayJob}_`)));
    unlinkSync(tilePath(run, 3));
    unlinkSync(join(run, 'kernel.npy'));
    const s2 = submit(run);
    assert.deepEqual(s2.indices, [3]);
    await waitIdle([s2.arrayJob, s2.mergeJob], 120);
    const after = planTiles(readPlan(run)).map((t) => readRecord(run, t.index)!);
    for (const i of [0, 1, 2, 4, 5]) assert.deepEqual(after[i], before[i]);
    assert.notEqual(after[3].finished, before[3].finished);
    reference(p('m.json'), p('x.npy'), p('ref300.npy'));
    assertSameKernel(join(run, 'kernel.npy'), p('ref300.npy'));
  },
);

test(
  'slurm: N = 3000 in tiles of 1000 — scancel of a running task, resubmit, merge equals `ntk kernel` (bit for bit but on blas)',
  { skip },
  async () => {
    ensureCluster();
    denseModel(p('m3.json'), 3);
    inputs(p('x3.npy'), 3000, 10, 2);
    const run = p('big');
    assert.equal(
      ntk(['tiles', 'plan', '--model', p('m3.json'), '--x1', p('x3.npy'), '--tile', '1000', '--dir', run])
        .status,
      0,
    );
    const s1 = submit(run, ['--max-running', '1']);
    // Cancel an array task while it runs. A task seen RUNNING may already have written its tile and be
    // exiting when the cancel reaches it (a tile here takes well under a second): then it is left to finish
    // and the next running task is cancelled, until one is cancelled before its tile is done.
    let cancelled: string | null = null;
    const lost: string[] = [];
    for (let k = 0; k < 600 && cancelled === null; k++) {
      const q = slurm('squeue', ['-h', '-r', '-o', '%i %T', '-j', s1.arrayJob!]).stdout.trim();
      if (q === '') break;
      const running = q
        .split('\n')
        .map((l) => l.split(' '))
        .find((f) => f[1] === 'RUNNING' && !lost.includes(f[0]));
      if (!running) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      assert.equal(slurm('scancel', [running[0]]).status, 0);
      await waitIdle([running[0]], 60);
      const index = Number(running[0].split('_')[1]);
      if (tilesStatus(run, true).byState.done.includes(index)) lost.push(running[0]);
      else cancelled = running[0];
    }
    assert.ok(
      cancelled !== null,
      `no array task was cancelled before its tile was done (too late for ${JSON.stringify(lost)})`,
    );
    await waitIdle([s1.arrayJob, s1.mergeJob], 300);
    const mid = tilesStatus(run, true);
    assert.ok(mid.done < 6, `the cancelled task left its tile undone (done ${mid.done})`);
    assert.equal(mid.corrupt, 0);
    assert.ok(!existsSync(join(run, 'kernel.npy')), 'the merge job was cancelled with its dependency');
    const s2 = submit(run);
    assert.deepEqual(
      s2.indices,
      mid.byState.pending.concat(mid.byState.failed).sort((a, b) => a - b),
    );
    await waitIdle([s2.arrayJob, s2.mergeJob], 300);
    assert.equal(tilesStatus(run, true).done, 6);
    reference(p('m3.json'), p('x3.npy'), p('ref3000.npy'));
    assertSameKernel(join(run, 'kernel.npy'), p('ref3000.npy'));
  },
);

test(
  'slurm: --tiles-per-task 3 — 6 tiles in 2 array tasks, merge equals `ntk kernel`; a deleted tile is resubmitted alone',
  { skip },
  async () => {
    ensureCluster();
    denseModel(p('mg.json'), 2);
    inputs(p('xg.npy'), 300, 10, 4);
    const run = p('grouped');
    assert.equal(
      ntk(['tiles', 'plan', '--model', p('mg.json'), '--x1', p('xg.npy'), '--tile', '100', '--dir', run])
        .status,
      0,
    );
    const s1 = submit(run, ['--tiles-per-task', '3']) as ReturnType<typeof submit> & { tasks: number[][] };
    assert.deepEqual(s1.indices, [0, 1, 2, 3, 4, 5]);
    assert.equal(s1.tasks.length, 2);
    assert.deepEqual(s1.tasks.flat().sort(), [0, 1, 2, 3, 4, 5]);
    assert.match(
      readFileSync(join(run, 'slurm', 'tiles.sbatch'), 'utf8'),
      /--tiles "\$\{TASKS\[\$SLURM_ARRAY_TASK_ID\]\}"/,
    );
    // each task asks for the planned peak (256 MiB runtime + 24 kB inputs + 3 × 100² × 8 B, × 1.25 = 321 MiB),
    // so tasks pack on a node where memory is a consumable resource; BLAS runs the task's CPUs
    const script = readFileSync(join(run, 'slurm', 'tiles.sbatch'), 'utf8');
    assert.match(script, /^#SBATCH --mem=321M$/m);
    assert.match(script, /^export OPENBLAS_NUM_THREADS="\$\{SLURM_CPUS_PER_TASK:-1\}"/m);
    assert.match(script, /^export NTK_MEMORY_LIMIT=67108864$/m);
    const shown = slurm('scontrol', ['show', 'job', s1.arrayJob!]).stdout;
    assert.match(shown, /MinMemoryNode=321M/, shown);
    await waitIdle([s1.arrayJob, s1.mergeJob], 120);
    assert.equal(tilesStatus(run, true).done, 6);
    const jobs = new Set(planTiles(readPlan(run)).map((t) => readRecord(run, t.index)!.job));
    assert.deepEqual([...jobs].sort(), [`slurm ${s1.arrayJob}_0`, `slurm ${s1.arrayJob}_1`]);
    reference(p('mg.json'), p('xg.npy'), p('refg.npy'));
    assertSameKernel(join(run, 'kernel.npy'), p('refg.npy'));
    unlinkSync(tilePath(run, 4));
    unlinkSync(join(run, 'kernel.npy'));
    const s2 = submit(run, ['--tiles-per-task', '3']) as ReturnType<typeof submit> & { tasks: number[][] };
    assert.deepEqual(s2.tasks, [[4]]);
    await waitIdle([s2.arrayJob, s2.mergeJob], 120);
    assert.equal(tilesStatus(run, true).done, 6);
    assert.ok(existsSync(join(run, 'kernel.npy')));
  },
);

test(
  'slurm: a resubmit while the first array still runs leaves its tiles to it; the merge waits for both',
  { skip },
  async () => {
    ensureCluster();
    denseModel(p('mq.json'), 1);
    inputs(p('xq.npy'), 200, 10, 3);
    const run = p('queued');
    assert.equal(
      ntk(['tiles', 'plan', '--model', p('mq.json'), '--x1', p('xq.npy'), '--tile', '100', '--dir', run])
        .status,
      0,
    );
    const s1 = submit(run, ['--max-running', '1']);
    assert.deepEqual(s1.indices, [0, 1, 2]);
    const s2 = submit(run);
    const finished = tilesStatus(run, false).byState.done;
    // every tile was either finished or still queued in the first array when the second was submitted
    assert.ok(s2.indices.every((i) => !finished.includes(i)));
    assert.ok(
      s2.indices.length < 3,
      `resubmitted ${s2.indices.join(', ')} although the first array holds them`,
    );
    await waitIdle([s1.arrayJob, s1.mergeJob, s2.arrayJob, s2.mergeJob], 180);
    assert.equal(tilesStatus(run, true).done, 3);
    assert.ok(existsSync(join(run, 'kernel.npy')));
  },
);

test('tiles submit refuses a --mem below the planned peak of a task before anything is submitted', () => {
  denseModel(p('mm.json'), 1);
  inputs(p('xm.npy'), 200, 10, 5);
  const run = p('mem');
  assert.equal(
    ntk(['tiles', 'plan', '--model', p('mm.json'), '--x1', p('xm.npy'), '--tile', '100', '--dir', run])
      .status,
    0,
  );
  for (const [mem, why] of [
    ['100M', /--mem 100M is below what one task of this plan needs: .*ask for at least 321M/],
    ['lots', /--mem: expected a memory size in Slurm's syntax .*got 'lots'/],
  ] as const) {
    const r = ntk(['tiles', 'submit', run, '--slurm', '--mem', mem]);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, why);
  }
  assert.ok(!existsSync(join(run, 'slurm', 'submissions.json')), 'nothing was submitted');
});

process.on('exit', () => {
  if (started !== null)
    spawnSync(join(root, 'scripts', 'slurm-local.sh'), ['stop'], {
      env: { ...process.env, SLURM_LOCAL_DIR: started },
    });
  rmSync(dir, { recursive: true, force: true });
});
