/**
 * Backend selection, in child processes (the choice is made once per process): NTK_BACKEND=wasm loads the
 * wasm backend and names it, its SIMD flavour and its threads in the one stderr line; NTK_WASM_THREADS
 * is honoured and checked; an unknown NTK_BACKEND is refused naming the three choices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const selectUrl = new URL('./select.js', import.meta.url).href;

function choose(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const script = `import(${JSON.stringify(selectUrl)}).then((m) => console.log(m.getBackend().name))`;
  const r = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '0', ...env },
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout.trim() };
}

test('NTK_BACKEND=wasm: the wasm backend, announced with its SIMD flavour and thread count', () => {
  const r = choose({ NTK_BACKEND: 'wasm', NTK_WASM_THREADS: '2' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'wasm');
  assert.match(
    r.stderr,
    /ntk-lab: linear algebra backend: wasm \(WebAssembly f64x2, (relaxed-SIMD FMA|SIMD without FMA), 2 threads\)\n/,
  );
  const one = choose({ NTK_BACKEND: 'wasm', NTK_WASM_THREADS: '1' });
  assert.match(one.stderr, /, 1 thread\)\n/);
});

test('NTK_WASM_THREADS out of range and an unknown NTK_BACKEND are refused, naming the variable', () => {
  const bad = choose({ NTK_BACKEND: 'wasm', NTK_WASM_THREADS: '0' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /NTK_WASM_THREADS must be an integer from 1 to 32, got '0'/);
  const unknown = choose({ NTK_BACKEND: 'gpu' });
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /NTK_BACKEND must be 'ts', 'wasm', 'blas' or 'auto', got 'gpu'/);
});
