import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../../io/npyFile.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const dir = mkdtempSync(join(tmpdir(), 'ntk-spectrum-cli-'));
const p = (f: string): string => join(dir, f);
const relu = {
  layers: [
    { type: 'Dense', width: 32, W_std: Math.SQRT2, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'Dense', width: 1, W_std: Math.SQRT2, b_std: 0.1 },
  ],
};
writeFileSync(p('m.json'), JSON.stringify(relu));
writeFileSync(p('conv.json'), JSON.stringify({ ...relu, inputShape: [4, 4, 1] }));

function ntk(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'spectrum', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  return { status: r.status, stderr: r.stderr };
}
const json = (f: string): Record<string, number[] & Record<string, unknown>> =>
  JSON.parse(readFileSync(p(f), 'utf8'));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('ntk spectrum cube: μ_k with multiplicities sum to Φ(1); fractional variances sum to 1', () => {
  const r = ntk(['cube', '--model', p('m.json'), '--dim', '16', '--get', 'ntk', '--out', p('cube.json')]);
  assert.equal(r.status, 0, r.stderr);
  const s = json('cube.json');
  assert.equal(s.eigenvalues.length, 17);
  let sum = 0;
  let fv = 0;
  for (let k = 0; k <= 16; k++) {
    sum += s.multiplicities[k] * s.eigenvalues[k];
    fv += s.fractionalVariance[k];
  }
  // Φ_ntk(1) of Dense–Relu–Dense at unit variance: Σ¹ = Θ¹ = 2.01; after Relu Σ = Σ¹/2, Σ̇ = ½;
  // Σ² = 2·Σ¹/2 + 0.01, Θ² = Σ² + 2·(Θ¹·½) = 4.03
  const s1 = 2.01;
  const phi1 = 2 * (s1 / 2) + 0.01 + 2 * s1 * 0.5;
  assert.ok(Math.abs(sum - phi1) < 1e-12, `${sum} vs ${phi1}`);
  assert.ok(Math.abs(fv - 1) < 1e-13);
});

test('ntk spectrum sphere and circle write the documented fields (+ eigenfunctions .npy)', () => {
  assert.equal(
    ntk([
      'sphere',
      '--model',
      p('m.json'),
      '--dim',
      '3',
      '--max-degree',
      '5',
      '--get',
      'nngp',
      '--out',
      p('s.json'),
    ]).status,
    0,
  );
  const s = json('s.json');
  assert.deepEqual(s.multiplicities, [1, 3, 5, 7, 9, 11]);
  const r = ntk([
    'circle',
    '--kernel',
    'two-layer-relu-bias',
    '--density',
    '1,2,4',
    '--grid',
    '192',
    '--top',
    '6',
    '--out',
    p('c.json'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /integrated to 14\.66.*normalized to 1/);
  const c = json('c.json');
  assert.equal(c.eigenvalues.length, 6);
  for (let i = 1; i < 6; i++) assert.ok(c.eigenvalues[i] <= c.eigenvalues[i - 1]);
  assert.ok(existsSync(p('c.eigenfunctions.npy')));
  assert.deepEqual(readNpy(p('c.eigenfunctions.npy')).shape, [6, 192]);
  assert.ok('eq17' in c && 'localFrequency' in c);
  assert.equal(
    ntk([
      'circle',
      '--model',
      p('m.json'),
      '--density',
      'uniform',
      '--grid',
      '64',
      '--top',
      '4',
      '--out',
      p('cm.json'),
    ]).status,
    0,
  );
});

test('bad input: clear errors and exit status 1', () => {
  const cases: [string[], RegExp][] = [
    [
      ['cube', '--model', p('m.json'), '--dim', '0', '--out', p('x.json')],
      /--dim must be an integer ≥ 1, got '0'/,
    ],
    [
      ['sphere', '--model', p('m.json'), '--dim', '3', '--max-degree', '-1', '--out', p('x.json')],
      /--max-degree must be an integer ≥ 0/,
    ],
    [['cube', '--model', p('conv.json'), '--dim', '4', '--out', p('x.json')], /not a dot-product kernel/],
    [
      ['cube', '--model', p('m.json'), '--dim', '4', '--get', 'foo', '--out', p('x.json')],
      /--get must be 'nngp' or 'ntk'/,
    ],
    [
      ['circle', '--kernel', 'two-layer-relu-bias', '--density', '0.1,-0.2', '--out', p('x.json')],
      /part 2 is -0.2/,
    ],
    [['circle', '--density', 'uniform', '--out', p('x.json')], /exactly one of --kernel/],
  ];
  for (const [args, re] of cases) {
    const r = ntk(args);
    assert.equal(r.status, 1, `${args.join(' ')} should fail`);
    assert.match(r.stderr, re);
  }
  assert.ok(!existsSync(p('x.json')));
});
