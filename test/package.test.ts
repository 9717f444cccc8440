// The published package: its files (no tests, no test helpers; the data the library loads), its exports
// (each subpath entry's import graph free of Node-only modules, so a bundler can take it for the
// browser), and the verdicts of publint and @arethetypeswrong/cli on the packed tarball.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { pack, type Packed } from './pack.testutil.js';
import { REPO } from './project.testutil.js';

interface PackageJson {
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions?: Record<string, Record<string, string[]>>;
  bin: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageJson;
let packed: Packed;
const BROWSER_X = [
  [1, 0],
  [0, 1],
  [1, 1],
];

before(() => {
  packed = pack();
});
after(() => rmSync(dirname(packed.tarball), { recursive: true, force: true }));

test('the tarball holds no compiled tests and no test helpers', (t) => {
  t.diagnostic(
    `tarball ${(packed.size / 1e6).toFixed(3)} MB, unpacked ${(packed.unpackedSize / 1e6).toFixed(3)} MB, ${packed.entryCount} files`,
  );
  const helpers = /\.test\.|\.testutil\.|(^|\/)(testNets|testMatrices|testkit|test-fixtures)\.[^/]*$/;
  assert.deepEqual(
    packed.files.filter((f) => helpers.test(f)),
    [],
  );
  assert.deepEqual(
    packed.files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/src/')),
    [],
    'only dist/src is published',
  );
});

test('the tarball holds the entry points, the bin, the README, the license and the digits the loader reads', () => {
  const want = [
    'README.md',
    ...Object.values(pkg.bin).map((p) => p.replace(/^\.\//, '')),
    'data/digits/digits.csv.gz',
    'data/digits/README.md',
    ...readdirSync(REPO).filter((f) => /^licen[cs]e/i.test(f)),
  ];
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') want.push(target.replace(/^\.\//, ''));
    else want.push(target.types.replace(/^\.\//, ''), target.default.replace(/^\.\//, ''));
    assert.ok(
      key === '.' || key === './package.json' || pkg.typesVersions?.['*']?.[key.slice(2)],
      `typesVersions maps ${key}`,
    );
  }
  for (const f of Object.values(pkg.typesVersions?.['*'] ?? {}).flat()) want.push(f.replace(/^\.\//, ''));
  const have = new Set(packed.files);
  assert.deepEqual(
    want.filter((f) => !have.has(f)),
    [],
  );
});

/** The modules a compiled file imports: statically (import / export … from, bare import), and dynamic imports of packages. */
function staticImports(file: string): { local: string[]; bare: string[] } {
  const src = readFileSync(file, 'utf8');
  const local: string[] = [];
  const bare: string[] = [];
  const re = /^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[1].startsWith('.')) local.push(resolve(dirname(file), m[1]));
    else bare.push(m[1]);
  }
  for (const m of src.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    if (!m[1].startsWith('.')) bare.push(m[1]);
  return { local, bare };
}

const NODE_ONLY = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'koffi']);

test('every subpath entry imports nothing Node-only (the browser-safe core)', () => {
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (key === '.' || typeof target === 'string') continue;
    const seen = new Set<string>();
    const stack = [join(REPO, target.default)];
    const offending: string[] = [];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      assert.ok(existsSync(f), `${key}: ${relative(REPO, f)} is imported but missing`);
      const { local, bare } = staticImports(f);
      stack.push(...local);
      for (const b of bare)
        if (NODE_ONLY.has(b) || b.startsWith('node:')) offending.push(`${relative(REPO, f)} → ${b}`);
    }
    assert.deepEqual(offending, [], `ntk-lab/${key.slice(2)} reaches Node-only modules`);
    assert.ok(seen.size > 1, `${key}: the graph walk found the entry's imports`);
  }
});

test('publint --strict reports nothing on the tarball', async () => {
  const tarball = readFileSync(packed.tarball);
  const { messages, pkg: manifest } = await publint({
    pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
    strict: true,
    level: 'suggestion',
  });
  assert.deepEqual(
    messages.map((m) => `${m.type}: ${formatMessage(m, manifest) ?? m.code}`),
    [],
  );
});

test('@arethetypeswrong/cli finds no problem (the package is ESM-only: a CommonJS require needs import())', () => {
  const attw = join(REPO, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
  const r = spawnSync(
    process.execPath,
    [attw, packed.tarball, '--format', 'json', '--ignore-rules', 'cjs-resolves-to-esm'],
    { encoding: 'utf8' },
  );
  const report = JSON.parse(r.stdout) as { analysis: { problems: { kind: string }[] } };
  assert.deepEqual(
    report.analysis.problems.filter((p) => p.kind !== 'CJSResolvesToESM'),
    [],
  );
  assert.equal(r.status, 0, r.stderr);
});

test('the subpath entries load and compute with no Node globals (process, Buffer deleted), on a browser backend', async () => {
  const url = (m: string): string => {
    const target = pkg.exports[`./${m}`];
    assert.ok(typeof target === 'object', `exports has ./${m}`);
    return pathToFileURL(join(REPO, target.default)).href;
  };
  const script = `
    const log = globalThis.console.log;
    delete globalThis.process;
    delete globalThis.Buffer;
    const { Matrix, getBackend } = await import(${JSON.stringify(url('linalg'))});
    const { serial, Dense, Relu } = await import(${JSON.stringify(url('nn'))});
    const { kernelFn } = await import(${JSON.stringify(url('kernels'))});
    const net = serial(Dense({ width: 8, W_std: 1.5, b_std: 0.1 }), Relu(), Dense({ width: 1, W_std: 1.5 }));
    const { ntk } = kernelFn(net, Matrix.fromRows(${JSON.stringify(BROWSER_X)}));
    log(JSON.stringify({ backend: getBackend().name, ntk: Array.from(ntk.data) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; ntk: number[] };
  assert.notEqual(got.backend, 'blas', 'no native backend without Node');
  // The same kernel computed here, with Node (and whichever backend this run uses).
  const { Matrix } = await import('../src/linalg/index.js');
  const { serial, Dense, Relu } = await import('../src/nn/index.js');
  const { kernelFn } = await import('../src/kernels/index.js');
  const net = serial(Dense({ width: 8, W_std: 1.5, b_std: 0.1 }), Relu(), Dense({ width: 1, W_std: 1.5 }));
  const ref = kernelFn(net, Matrix.fromRows(BROWSER_X)).ntk.data;
  for (let i = 0; i < ref.length; i++)
    assert.ok(Math.abs(got.ntk[i] - ref[i]) <= 1e-12 * Math.abs(ref[i]), `entry ${i}`);
});
