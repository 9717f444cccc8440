import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMatrix } from '../io/npyFile.js';
import { Matrix } from '../linalg/matrix.js';
import { PRNGKey, normal, uniform } from '../random/index.js';

/** Output sets and signals of the real `bin/ntk.js` in a temporary folder. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-reliability-'));
const p = (f: string): string => join(dir, f);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  p('m.json'),
  JSON.stringify({
    parameterization: 'ntk',
    layers: [
      { type: 'Dense', width: 32, W_std: 1.5, b_std: 0.1 },
      { type: 'Relu' },
      { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
    ],
  }),
);
writeMatrix(p('x.npy'), new Matrix(8, 3, normal(PRNGKey(1), 24)));
writeMatrix(p('y.npy'), new Matrix(8, 1, normal(PRNGKey(2), 8)));
const env = { ...process.env, NTK_QUIET: '1' };

function train(out: string, ...extra: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(
    process.execPath,
    [
      bin,
      'train',
      '--model',
      p('m.json'),
      '--seed',
      '0',
      '--x',
      p('x.npy'),
      '--y',
      p('y.npy'),
      '--lr',
      '0.5',
      '--out',
      out,
      ...extra,
    ],
    { encoding: 'utf8', env },
  );
}

/** The manifest's sidecars exist and hash to what it says (the set is one run's). */
function assertConsistent(out: string): Record<string, unknown> {
  const run = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const sidecars = run.sidecars as string[];
  const hashes = new Map<string, string>();
  const f = run.fTrain as { file: string; sha256: string };
  hashes.set(f.file, f.sha256);
  for (const s of (run.ntk as { kernel: string; kernelSha256: string }[] | undefined) ?? [])
    hashes.set(s.kernel, s.kernelSha256);
  for (const name of sidecars) {
    const bytes = readFileSync(join(dirname(out), name));
    if (hashes.has(name))
      assert.equal(createHash('sha256').update(bytes).digest('hex'), hashes.get(name), name);
  }
  return run;
}

test('train writes one consistent set; a re-run with fewer snapshots removes the stale ones, nothing else', () => {
  const out = p('set/run.json');
  const a = train(out, '--steps', '6', '--ntk-every', '2', '--ntk-top-k', '2');
  assert.equal(a.status, 0, String(a.stderr));
  const first = assertConsistent(out);
  const files1 = readdirSync(p('set')).sort();
  for (const s of [0, 2, 4, 6]) assert.ok(files1.includes(`run.ntk.step${s}.npy`), files1.join(' '));
  writeFileSync(p('set/run.mine.npy'), 'not ntk’s'); // never listed by a manifest: kept
  const b = train(out, '--steps', '6', '--ntk-every', '3', '--ntk-top-k', '2');
  assert.equal(b.status, 0, String(b.stderr));
  const second = assertConsistent(out);
  assert.notEqual(second.runId, first.runId);
  const files2 = readdirSync(p('set')).sort();
  assert.deepEqual(
    files2,
    [
      'run.fTrain.npy',
      'run.json',
      'run.mine.npy',
      'run.ntk.step0.eigenvectors.npy',
      'run.ntk.step0.npy',
      'run.ntk.step3.eigenvectors.npy',
      'run.ntk.step3.npy',
      'run.ntk.step6.eigenvectors.npy',
      'run.ntk.step6.npy',
    ].sort(),
  );
});

async function signalled(sig: NodeJS.Signals, out: string): Promise<{ code: number | null; err: string }> {
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
      out,
    ],
    { env },
  );
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  for (let i = 0; i < 600 && !err.includes('Ctrl-C stops'); i++) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 300));
  child.kill(sig);
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await closed;
  clearTimeout(guard);
  return { code, err };
}

for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${sig} stops train like SIGINT: the current step finishes and what was recorded is written`, async () => {
    const out = p(`sig-${sig}.json`);
    const { code, err } = await signalled(sig, out);
    assert.equal(code, 0, err);
    assert.match(err, new RegExp(`${sig} — finishing the current step`));
    const run = assertConsistent(out);
    assert.equal(run.interrupted, true);
    const steps = run.steps as number[];
    assert.equal(steps[steps.length - 1], run.stepsDone);
  });
}

test('SIGKILL at random moments never leaves a manifest that is not its sidecars’ (and the next run sweeps the temps)', async () => {
  const out = p('kill/run.json');
  assert.equal(train(out, '--steps', '4', '--ntk-every', '1').status, 0);
  const delays = uniform(PRNGKey(11), 5).map((u) => 150 + 900 * u);
  for (const ms of delays) {
    const child = spawn(
      process.execPath,
      [
        bin,
        'train',
        '--model',
        p('m.json'),
        '--seed',
        '2',
        '--x',
        p('x.npy'),
        '--y',
        p('y.npy'),
        '--lr',
        '0.5',
        '--steps',
        '40',
        '--ntk-every',
        '1',
        '--out',
        out,
      ],
      { env },
    );
    const closed = new Promise<void>((r) => child.on('close', () => r()));
    await new Promise((r) => setTimeout(r, ms));
    child.kill('SIGKILL');
    await closed;
    const run = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    if (typeof run.status === 'string')
      assert.match(run.status, /interrupted/); // killed while writing: marked
    else assertConsistent(out);
  }
  assert.equal(train(out, '--steps', '40', '--ntk-every', '1').status, 0);
  assertConsistent(out);
  assert.deepEqual(
    readdirSync(p('kill')).filter((n) => n.endsWith('.tmp')),
    [],
  );
  assert.ok(existsSync(p('kill/run.ntk.step40.npy')));
});

test('SIGTERM stops reproduce like SIGINT: the current experiment finishes and the report is written', async () => {
  const out = p('report');
  const child = spawn(
    process.execPath,
    [
      bin,
      'reproduce',
      '003-catapult-toy',
      '003-ntk-hessian',
      '--preset',
      'quick',
      '--no-png',
      '--no-cache',
      '--out',
      out,
    ],
    { env },
  );
  let err = '';
  let stdout = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  for (let i = 0; i < 600 && !err.includes('[1/2]'); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await closed;
  clearTimeout(guard);
  assert.equal(code, 143, err);
  assert.match(err, /SIGTERM — finishing the current experiment/);
  assert.match(stdout, /interrupted: finished experiments are cached/);
  assert.ok(existsSync(join(out, 'index.html')));
  assert.ok(existsSync(join(out, 'results.json')));
});
