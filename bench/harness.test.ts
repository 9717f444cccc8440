import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext, measure, type RunState } from './harness.js';
import { peersDir, python, pythonMissing, repoRoot, runPeer } from './peers.js';
import { fmt, formatTable } from './table.js';
import { parseNumpy } from './cases/linalg.js';

const emptyState = (): RunState => ({ info: {}, rows: [], ratios: [], checks: [] });

test('measure: warm-up, then at most `reps` timed runs within the budget; a slow warm-up is the only run', () => {
  let calls = 0;
  const t = measure(() => void calls++, 3, { budgetSeconds: 10 });
  assert.equal(calls, 4); // 1 warm-up + 3
  assert.equal(t.runs, 3);
  assert.ok(t.best <= t.median);
  assert.equal(t.note, 'best of 3');

  calls = 0;
  const busy = (s: number) => {
    const end = performance.now() + s * 1000;
    while (performance.now() < end);
  };
  const slow = measure(() => (calls++, busy(0.03)), 5, { budgetSeconds: 0.01 });
  assert.equal(calls, 1);
  assert.equal(slow.runs, 1);
  assert.ok(slow.best >= 0.03);

  calls = 0;
  measure(() => void calls++, 2, { warmup: false });
  assert.equal(calls, 2);
});

test('context: rows, ours/peer ratios (recorded once), acceptance with PASS / FAIL / not measured', () => {
  const state = emptyState();
  const ctx = createContext('c', state, 1, null);
  ctx.record({ task: 'gemm', size: 'n=2', impl: 'ours', seconds: 2, rate: { value: 90, unit: 'GFLOP/s' } });
  ctx.record({ task: 'gemm', size: 'n=2', impl: 'peer', seconds: 4, rate: { value: 100, unit: 'GFLOP/s' } });
  assert.equal(ctx.compare('gemm', 'n=2', 'ours', 'peer', 'seconds').value, 0.5);
  assert.equal(ctx.compare('gemm', 'n=2', 'ours', 'peer', 'rate').value, 0.9);
  assert.equal(ctx.compare('gemm', 'n=2', 'ours', 'peer', 'rate').value, 0.9);
  assert.equal(state.ratios.length, 2);
  assert.equal(ctx.compare('gemm', 'n=3', 'ours', 'peer', 'rate').value, null);
  assert.equal(ctx.accept('a', 0.9, { min: 0.8 }).pass, true);
  assert.equal(ctx.accept('b', 1.3, { max: 1.2 }).pass, false);
  assert.equal(ctx.accept('c', null, { max: 1.2 }).pass, null);
  assert.equal(ctx.accept('d', 1, { min: 0.5, max: 2 }).criterion, '≥ 0.5 and ≤ 2');
  assert.equal(ctx.row('gemm', 'n=2', 'peer')?.seconds, 4);
  assert.ok(ctx.wants('anything'));
  const part = createContext('c', emptyState(), 1, ['eigh']);
  assert.ok(part.wants('eigh values') && !part.wants('gemm'));
});

test('table formatting and significant figures', () => {
  assert.equal(fmt(0.123456), '0.123');
  assert.equal(fmt(12.3456), '12.3');
  assert.equal(fmt(1234.5), '1235');
  assert.equal(fmt(null), '—');
  assert.equal(fmt(Number.NaN), '—');
  const t = formatTable(
    ['a', 'n'],
    [
      ['x', '1.5'],
      ['long', '10.25'],
    ],
  ).split('\n');
  assert.deepEqual(t, ['a         n', '----  -----', 'x       1.5', 'long  10.25']);
});

test("parseNumpy reads linalg_numpy.py's three lines", () => {
  const out =
    'numpy gemm n=2000: 0.157s 101.6 GFLOPS\nnumpy eigh (values+vectors) n=2000: 0.822s\nnumpy eigvalsh n=2000: 0.291s\n';
  assert.deepEqual(parseNumpy(out), {
    gemmSeconds: 0.157,
    gemmRate: 101.6,
    eighSeconds: 0.822,
    eigvalshSeconds: 0.291,
  });
  assert.equal(parseNumpy('garbage').gemmRate, null);
});

test('peers: repo root, NTK_PEERS override, a missing script or module is a reason, not an exception', (t) => {
  assert.ok(existsSync(join(repoRoot(), 'package.json')));
  const dir = mkdtempSync(join(tmpdir(), 'ntk-peers-'));
  const saved = process.env.NTK_PEERS;
  process.env.NTK_PEERS = dir;
  t.after(() => {
    if (saved === undefined) delete process.env.NTK_PEERS;
    else process.env.NTK_PEERS = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  assert.equal(peersDir(), dir);
  const missing = runPeer('nope.py', []);
  assert.equal(missing.ok, false);
  assert.match(missing.ok ? '' : missing.reason, /not found/);
  if (pythonMissing([]) !== null) {
    t.diagnostic(`${python()} not available; the script run is not tested`);
    return;
  }
  writeFileSync(join(dir, 'echo.py'), 'import sys\nprint("args", *sys.argv[1:])\n');
  const ok = runPeer('echo.py', ['1', '2'], { modules: [] });
  assert.ok(ok.ok);
  assert.equal(ok.ok && ok.stdout.trim(), 'args 1 2');
  const noModule = runPeer('echo.py', [], { modules: ['no_such_module_ntk'] });
  assert.equal(noModule.ok, false);
  assert.match(noModule.ok ? '' : noModule.reason, /cannot import no_such_module_ntk/);
});
