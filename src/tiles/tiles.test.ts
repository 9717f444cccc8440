import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { empiricalNtk } from '../empirical/empiricalNtk.js';
import { readMatrix, readNpy, writeNpy } from '../io/npyFile.js';
import { kernelFn } from '../kernels/kernelFn.js';
import { eigh } from '../linalg/eigh.js';
import { Matrix } from '../linalg/matrix.js';
import { getBackend } from '../linalg/select.js';
import { loadModel } from '../nn/model.js';
import { PRNGKey, normal } from '../random/index.js';
import { mergeTiles } from './merge.js';
import { makePlan, writePlan, planTiles, readPlan } from './plan.js';
import { runTiles } from './run.js';
import { tilesStatus } from './status.js';
import { readRecord, tilePath } from './store.js';
import { bin, denseModel, inputs, ntk } from './run.testutil.js';

const dir = mkdtempSync(join(tmpdir(), 'ntk-tiles-'));
const p = (f: string): string => join(dir, f);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/**
 * Entries must agree bit for bit, except on the native backend at sizes where OpenBLAS's GEMM takes a
 * different blocking path for a tile than for the whole matrix (the input kernel Σ⁰ = X·Xᵀ/d is one GEMM):
 * then to a few ulps. The N = 3000, tile 1000 Slurm check is bit for bit on both backends.
 */
function assertSame(a: Matrix, b: Matrix, what: string): void {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  let worst = 0;
  for (let k = 0; k < a.data.length; k++)
    worst = Math.max(worst, Math.abs(a.data[k] - b.data[k]) / Math.max(Math.abs(b.data[k]), 1e-300));
  if (getBackend().name === 'ts') assert.equal(worst, 0, `${what}: max relative difference ${worst}`);
  else assert.ok(worst < 1e-14, `${what}: max relative difference ${worst}`);
}

denseModel(p('m.json'), 3);
const x = inputs(p('x.npy'), 300, 10, 1);
const x2 = inputs(p('x2.npy'), 130, 10, 2);
const model = loadModel(p('m.json'));
const full = kernelFn(model.net, x, null, { get: 'ntk' }).ntk!;

test('tiles: a symmetric plan stores the upper triangle and merges into kernelFn of the whole', async () => {
  const run = p('sym');
  writePlan(run, makePlan({ model: p('m.json'), x1: p('x.npy'), get: 'ntk', tile: 100 }));
  const plan = readPlan(run);
  assert.equal(plan.tiles, 6); // 3 block rows: 3 + 2 + 1
  assert.ok(planTiles(plan).every((t) => t.bj >= t.bi));
  const r = await runTiles(run);
  assert.deepEqual(r.computed, [0, 1, 2, 3, 4, 5]);
  mergeTiles(run, p('sym.npy'));
  assertSame(readMatrix(p('sym.npy')), full, 'merged vs kernelFn');
  const s = tilesStatus(run, true);
  assert.equal(s.done, 6);
  assert.equal(s.etaSeconds, 0);
  assert.ok(s.secondsPerTile !== null && s.secondsPerTile.mean >= 0);
});

test('tiles: a rerun skips finished tiles; a deleted, truncated or corrupt tile is recomputed alone', async () => {
  const run = p('sym');
  const before = planTiles(readPlan(run)).map((t) => readRecord(run, t.index)!.finished);
  assert.deepEqual((await runTiles(run)).computed, []);
  unlinkSync(tilePath(run, 4));
  const bytes = readFileSync(tilePath(run, 1));
  bytes[bytes.length - 3] ^= 0x40; // same size, wrong checksum
  writeFileSync(tilePath(run, 1), bytes);
  // tiles are not fsync'd: a crash of the machine before write-back leaves an empty file under its record
  truncateSync(tilePath(run, 2), 0);
  const s = tilesStatus(run, true);
  assert.deepEqual(s.byState.corrupt, [1, 2, 4]);
  const r = await runTiles(run);
  assert.deepEqual(r.computed, [1, 2, 4]);
  assert.deepEqual(r.skipped, [0, 3, 5]);
  const after = planTiles(readPlan(run)).map((t) => readRecord(run, t.index)!.finished);
  for (const i of [0, 3, 5]) assert.equal(after[i], before[i]);
  mergeTiles(run, p('sym2.npy'));
  assert.deepEqual(readFileSync(p('sym2.npy')), readFileSync(p('sym.npy')));
});

test('tiles: changed inputs, model or code version are refused; a different plan in the same folder too', async () => {
  const run = p('refuse');
  denseModel(p('m2.json'), 2);
  inputs(p('xr.npy'), 50, 10, 3);
  writePlan(run, makePlan({ model: p('m2.json'), x1: p('xr.npy'), get: 'nngp', tile: 20 }));
  inputs(p('xr.npy'), 50, 10, 4);
  await assert.rejects(runTiles(run), /the inputs --x1 .*xr\.npy' changed.*make a new plan/);
  inputs(p('xr.npy'), 50, 10, 3);
  denseModel(p('m2.json'), 3);
  await assert.rejects(runTiles(run), /the model .*m2\.json' changed/);
  denseModel(p('m2.json'), 2);
  const planFile = join(run, 'plan.json');
  const saved = readFileSync(planFile, 'utf8');
  writeFileSync(planFile, saved.replace(/"codeVersion": "[0-9a-f]+"/, '"codeVersion": "0000000000000000"'));
  await assert.rejects(
    runTiles(run),
    /the code version is [0-9a-f]+, the plan was made with 0000000000000000/,
  );
  writeFileSync(planFile, saved);
  assert.equal((await runTiles(run)).computed.length, 6);
  assert.throws(
    () => writePlan(run, makePlan({ model: p('m2.json'), x1: p('xr.npy'), get: 'ntk', tile: 20 })),
    /already holds a different plan \(get differs\)/,
  );
  assert.deepEqual(
    writePlan(run, makePlan({ model: p('m2.json'), x1: p('xr.npy'), get: 'nngp', tile: 20 })),
    {
      created: false,
    },
  );
  await assert.rejects(runTiles(run, { index: 6 }), /tile index must be an integer in \[0, 5\]/);
});

test('tiles: a non-symmetric plan (x1 vs x2) covers every tile', async () => {
  const run = p('cross');
  writePlan(run, makePlan({ model: p('m.json'), x1: p('x.npy'), x2: p('x2.npy'), get: 'nngp', tile: 64 }));
  assert.equal(readPlan(run).tiles, 5 * 3);
  await runTiles(run);
  mergeTiles(run, p('cross.npy'));
  assertSame(readMatrix(p('cross.npy')), kernelFn(model.net, x, x2, { get: 'nngp' }).nngp!, 'x1 vs x2');
});

test('tiles: convolutional (NHWC) inputs', async () => {
  const run = p('conv');
  writeFileSync(
    p('cnn.json'),
    JSON.stringify({
      layers: [
        { type: 'Conv', channels: 8, filter: [3, 3], padding: 'SAME', W_std: 1.4, b_std: 0.1 },
        { type: 'Relu' },
        { type: 'GlobalAvgPool' },
        { type: 'Dense', width: 1, W_std: 1.4, b_std: 0.1 },
      ],
    }),
  );
  const img = normal(PRNGKey(9), 11 * 4 * 4 * 2);
  writeNpy(p('img.npy'), img, [11, 4, 4, 2]);
  writePlan(run, makePlan({ model: p('cnn.json'), x1: p('img.npy'), get: 'ntk', tile: 4 }));
  await runTiles(run);
  mergeTiles(run, p('conv.npy'));
  const ref = kernelFn(loadModel(p('cnn.json')).net, { shape: [11, 4, 4, 2], data: img }, null, {
    get: 'ntk',
  }).ntk!;
  const got = readMatrix(p('conv.npy'));
  for (let k = 0; k < ref.data.length; k++)
    assert.ok(Math.abs(got.data[k] - ref.data[k]) <= 1e-13 * Math.abs(ref.data[k]), `entry ${k}`);
});

test('tiles: the empirical NTK of given parameters', async () => {
  const run = p('emp');
  writePlan(
    run,
    makePlan({ model: p('m.json'), x1: p('x2.npy'), get: 'ntk', tile: 50, method: 'empirical', seed: 7 }),
  );
  await runTiles(run);
  mergeTiles(run, p('emp.npy'));
  const m = loadModel(p('m.json'));
  const ref = empiricalNtk(m.net, m.net.init(PRNGKey(7), [10]), x2);
  const got = readMatrix(p('emp.npy'));
  let worst = 0;
  for (let k = 0; k < ref.data.length; k++) worst = Math.max(worst, Math.abs(got.data[k] - ref.data[k]));
  let scale = 0;
  for (const v of ref.data) scale = Math.max(scale, Math.abs(v));
  assert.ok(worst <= 1e-12 * scale, `max difference ${worst} (scale ${scale})`);
});

test('ntk eig RUN --top 20 equals eigh of the merged kernel to 1e-8·λ₁', () => {
  const r = ntk(['eig', p('sym'), '--top', '20', '--out', p('e.json'), '--vectors', p('v.npy')]);
  assert.equal(r.status, 0, r.stderr);
  const e = JSON.parse(readFileSync(p('e.json'), 'utf8')) as { eigenvalues: number[]; converged: boolean };
  assert.ok(e.converged);
  const ref = eigh(full).values; // ascending
  const l1 = ref[ref.length - 1];
  for (let j = 0; j < 20; j++)
    assert.ok(Math.abs(e.eigenvalues[j] - ref[ref.length - 1 - j]) <= 1e-8 * l1, `λ_${j + 1}`);
  assert.deepEqual(readNpy(p('v.npy')).shape, [300, 20]);
});

test('ntk predict --kernel-train RUN (CG over the tiles) equals the dense solve to 1e-8 relative', () => {
  const y = new Matrix(300, 2, normal(PRNGKey(11), 600));
  writeNpy(p('y.npy'), y.data, [300, 2]);
  const kt = kernelFn(model.net, x2, x, { get: 'ntk' }).ntk!;
  writeNpy(p('kt.npy'), kt.data, [130, 300]);
  const common = [
    '--kernel-test',
    p('kt.npy'),
    '--y',
    p('y.npy'),
    '--lr',
    '0.1',
    '--times',
    'inf',
    '--diag-reg',
    '1e-4',
  ];
  const a = ntk(['predict', '--kernel-train', p('sym'), ...common, '--out', p('pcg.json')]);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /conjugate gradients over the tiles: \d+ iterations, residual/);
  const b = ntk(['predict', '--kernel-train', p('sym.npy'), ...common, '--out', p('pdense.json')]);
  assert.equal(b.status, 0, b.stderr);
  const j = JSON.parse(readFileSync(p('pcg.json'), 'utf8')) as {
    cg: { iterations: number; residuals: number[] };
  };
  assert.ok(j.cg.iterations > 0 && j.cg.residuals.every((r) => r < 1e-10));
  const fa = readNpy(p('pcg.fTest.npy')).data as Float64Array;
  const fb = readNpy(p('pdense.fTest.npy')).data as Float64Array;
  let num = 0;
  let den = 0;
  for (let k = 0; k < fb.length; k++) {
    num += (fa[k] - fb[k]) ** 2;
    den += fb[k] ** 2;
  }
  assert.ok(Math.sqrt(num / den) < 1e-8, `relative difference ${Math.sqrt(num / den)}`);
  const c = ntk([
    'predict',
    '--kernel-train',
    p('sym'),
    ...common.slice(0, -4),
    '--times',
    '10',
    '--out',
    p('x.json'),
  ]);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /only --times inf/);
});

test('tiles: a tile killed mid-write leaves no partial tile; the next run sweeps the temporary and completes', async () => {
  const run = p('kill');
  inputs(p('xk.npy'), 1200, 10, 5);
  writePlan(run, makePlan({ model: p('m.json'), x1: p('xk.npy'), get: 'ntk', tile: 1200 }));
  const tilesDir = join(run, 'tiles');
  const child = spawn(process.execPath, [bin, 'tiles', 'run', run, '--index', '0', '--threads', '1'], {
    stdio: 'ignore',
  });
  // kill -9 the moment the atomic writer's temporary file appears (the tile's bytes are being written)
  let sawTemp = false;
  await new Promise<void>((resolve) => {
    const poll = (): void => {
      if (readdirSync(tilesDir).some((f) => f.endsWith('.tmp'))) {
        sawTemp = true;
        child.kill('SIGKILL');
      } else if (child.exitCode === null) return void setImmediate(poll);
      resolve();
    };
    child.on('spawn', poll);
  });
  await new Promise((r) => child.on('close', r));
  const names = readdirSync(tilesDir);
  if (sawTemp) assert.ok(!names.includes('t000000.npy') || !names.includes('t000000.json'), names.join(', '));
  assert.equal(tilesStatus(run, true).done, sawTemp ? 0 : 1);
  const r = await runTiles(run);
  assert.equal(r.failed.length, 0);
  assert.ok(
    readdirSync(tilesDir).every((f) => !f.endsWith('.tmp')),
    'temporary files swept',
  );
  assert.equal(tilesStatus(run, true).done, 1);
});
