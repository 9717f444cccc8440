import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, writeMatrix } from '../../io/npyFile.js';
import { Matrix } from '../../linalg/matrix.js';
import { PRNGKey, normal } from '../../random/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-train-cli-'));
const p = (f: string): string => join(dir, f);
writeMatrix(p('x.npy'), new Matrix(16, 3, normal(PRNGKey(1), 48)));
writeMatrix(p('y.npy'), new Matrix(16, 1, normal(PRNGKey(2), 16)));
writeMatrix(p('y5.npy'), new Matrix(5, 1, normal(PRNGKey(3), 5)));
const ybad = new Matrix(16, 1, normal(PRNGKey(2), 16));
ybad.data[4] = NaN;
writeMatrix(p('ybad.npy'), ybad);
const asym = new Matrix(16, 16, normal(PRNGKey(4), 256));
writeMatrix(p('asym.npy'), asym);
writeFileSync(
  p('m.json'),
  JSON.stringify({
    layers: [
      { type: 'Dense', width: 32, W_std: Math.SQRT2, b_std: 0.1 },
      { type: 'Relu' },
      { type: 'Dense', width: 1 },
    ],
  }),
);

function ntk(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = (f: string): Record<string, unknown> =>
  JSON.parse(readFileSync(p(f), 'utf8')) as Record<string, unknown>;

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ntk train --linearized and ntk predict with its step-0 NTK agree (run.json steps/loss, .npy beside it)', () => {
  const t = ntk([
    'train',
    '--model',
    p('m.json'),
    '--seed',
    '5',
    '--x',
    p('x.npy'),
    '--y',
    p('y.npy'),
    '--linearized',
    '--lr',
    '1',
    '--steps',
    '30',
    '--record-every',
    '10',
    '--ntk-every',
    '30',
    '--out',
    p('run.json'),
    '--save-params',
    p('trained'),
  ]);
  assert.equal(t.status, 0, t.stderr);
  const run = json('run.json');
  assert.deepEqual(run.steps, [0, 10, 20, 30]);
  assert.equal((run.loss as number[]).length, 4);
  assert.ok(existsSync(p('trained/dense0.W.npy')));
  const f = readNpy(p('run.fTrain.npy'));
  assert.deepEqual(f.shape, [4, 16, 1]);
  writeMatrix(p('f0.npy'), new Matrix(16, 1, (f.data as Float64Array).slice(0, 16)));
  const q = ntk([
    'predict',
    '--kernel-train',
    p('run.ntk.step0.npy'),
    '--y',
    p('y.npy'),
    '--f0',
    p('f0.npy'),
    '--lr',
    '1',
    '--times',
    '0:30:10',
    '--out',
    p('pred.json'),
  ]);
  assert.equal(q.status, 0, q.stderr);
  const pred = json('pred.json');
  const a = run.loss as number[];
  const b = pred.trainLoss as number[];
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-9 * a[i], `${a[i]} vs ${b[i]}`);
  // Training again from the saved parameters starts where the first run ended.
  const t2 = ntk([
    'train',
    '--model',
    p('m.json'),
    '--params',
    p('trained'),
    '--x',
    p('x.npy'),
    '--y',
    p('y.npy'),
    '--lr',
    '1',
    '--steps',
    '0',
    '--out',
    p('run2.json'),
  ]);
  assert.equal(t2.status, 0, t2.stderr);
});

test('bad input: mismatched N, non-finite targets, lr ≤ 0, a kernel that is not square or not symmetric', () => {
  const base = [
    'train',
    '--model',
    p('m.json'),
    '--seed',
    '1',
    '--x',
    p('x.npy'),
    '--steps',
    '3',
    '--out',
    p('bad.json'),
  ];
  const cases: [string[], RegExp][] = [
    [
      [...base, '--y', p('y5.npy'), '--lr', '1'],
      /--x and --y must have the same number of examples N, got 16 .* and 5/,
    ],
    [[...base, '--y', p('ybad.npy'), '--lr', '1'], /--y .* must be finite, got NaN at \[4, 0\]/],
    [[...base, '--y', p('y.npy'), '--lr', '0'], /--lr must be a number > 0, got '0'/],
    [[...base, '--y', p('y.npy'), '--lr', '-2'], /--lr must be a number > 0, got '-2'/],
    [
      [
        'predict',
        '--kernel-train',
        p('x.npy'),
        '--y',
        p('y.npy'),
        '--lr',
        '1',
        '--times',
        '1',
        '--out',
        p('bad.json'),
      ],
      /--kernel-train .* must be square, got 16×3/,
    ],
    [
      [
        'predict',
        '--kernel-train',
        p('asym.npy'),
        '--y',
        p('y.npy'),
        '--lr',
        '1',
        '--times',
        '1',
        '--out',
        p('bad.json'),
      ],
      /--kernel-train .* must be symmetric/,
    ],
    [
      [
        'predict',
        '--kernel-train',
        p('run.ntk.step0.npy'),
        '--y',
        p('y.npy'),
        '--lr',
        '0',
        '--times',
        '1',
        '--out',
        p('bad.json'),
      ],
      /--lr must be a number > 0/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = ntk(args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  assert.equal(existsSync(p('bad.json')), false);
});

test('divergence is a result: run.json reports the step and loss, exit status 0', () => {
  const r = ntk([
    'train',
    '--model',
    p('m.json'),
    '--seed',
    '1',
    '--x',
    p('x.npy'),
    '--y',
    p('y.npy'),
    '--lr',
    '200',
    '--steps',
    '500',
    '--out',
    p('div.json'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const run = json('div.json');
  const d = run.diverged as { step: number; loss: number };
  assert.ok(d && d.step < 500);
  assert.match(r.stdout, /DIVERGED at step/);
});

test('SIGINT finishes the current step and writes what was recorded', async () => {
  const child = spawn(
    process.execPath,
    [
      bin,
      'train',
      '--model',
      p('m.json'),
      '--seed',
      '1',
      '--x',
      p('x.npy'),
      '--y',
      p('y.npy'),
      '--lr',
      '0.01',
      '--steps',
      '10000000',
      '--record-every',
      '1000',
      '--out',
      p('int.json'),
    ],
    {
      env: { ...process.env, NTK_QUIET: '1' },
    },
  );
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  // Wait until the handler is installed (the start line), then let it train a little.
  for (let i = 0; i < 600 && !err.includes('Ctrl-C stops'); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  // Never leave a runaway child: SIGKILL after 60 s (the test then fails on the exit code).
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await closed;
  clearTimeout(guard);
  assert.equal(code, 0, err);
  const run = json('int.json');
  assert.equal(run.interrupted, true);
  const steps = run.steps as number[];
  assert.equal(steps[0], 0);
  assert.equal(steps[steps.length - 1], run.stepsDone);
});
