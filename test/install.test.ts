// Install smoke test: `npm pack`, install the tarball into a fresh strict TypeScript project, compile and
// run README's library example there, and compare its numbers with the installed `ntk` command's for the
// same model and inputs (README_MODEL, README_X).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseNpy } from '../src/io/npy.js';
import { codeBlocks, codeLanguage } from './markdown.testutil.js';
import { pack, type Packed } from './pack.testutil.js';
import { REPO, compileProject, writeFixtures, writeProject } from './project.testutil.js';

let packed: Packed;
let dir = '';
let install: ReturnType<typeof spawnSync>;

before(() => {
  packed = pack();
  dir = mkdtempSync(join(tmpdir(), 'ntk-install-'));
  writeProject(dir, { 'ntk-lab': `file:${packed.tarball}` });
  install = spawnSync(
    process.platform === 'win32' ? 'npm.cmd' : 'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: dir, encoding: 'utf8', timeout: 300_000 },
  );
  // The user's own @types/node (the repository's pinned copy; not a dependency of ntk-lab).
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(
    join(REPO, 'node_modules', '@types', 'node'),
    join(dir, 'node_modules', '@types', 'node'),
    'dir',
  );
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dirname(packed.tarball), { recursive: true, force: true });
});

/** The first TypeScript block of README.md that is not an excerpt: the library example. */
function readmeExample(): string {
  const blocks = codeBlocks('README.md', readFileSync(join(REPO, 'README.md'), 'utf8'));
  const b = blocks.find((x) => !x.excerpt && codeLanguage(x) === 'ts');
  assert.ok(b, 'README.md has a TypeScript example');
  return b.code;
}

function ntk(args: string[], cwd: string): void {
  const bin = join(dir, 'node_modules', '.bin', 'ntk');
  const r = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, NTK_QUIET: '1' } });
  assert.equal(r.status, 0, `ntk ${args.join(' ')}: ${r.stderr}`);
}

function entry(file: string, i: number, j: number): number {
  const a = parseNpy(readFileSync(file));
  assert.equal(a.shape.length, 2);
  return a.data[i * a.shape[1] + j] as number;
}

test('the tarball installs into a fresh project', (t) => {
  assert.equal(install.status, 0, `npm install: ${String(install.stderr)}`);
  t.diagnostic(`npm install: ${String(install.stdout).trim().split('\n').pop()}`);
});

test("README's example compiles under --strict against the installed package and prints the CLI's numbers", (t) => {
  writeFileSync(join(dir, 'src', 'readme.ts'), readmeExample());
  const c = compileProject(dir);
  assert.equal(c.status, 0, c.output);
  const work = join(dir, 'work');
  writeFixtures(work);
  const r = spawnSync(process.execPath, [join(dir, 'out', 'readme.js')], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, NTK_QUIET: '1' },
  });
  assert.equal(r.status, 0, r.stderr);
  const printed = r.stdout.trim().split(/\s+/).map(Number);
  assert.equal(printed.length, 3, `three numbers: ${r.stdout}`);
  ntk(['kernel', '--model', 'm.json', '--x1', 'a.npy', '--get', 'nngp', '--out', 'nngp.npy'], work);
  ntk(['kernel', '--model', 'm.json', '--x1', 'a.npy', '--get', 'ntk', '--out', 'ntk.npy'], work);
  ntk(
    ['kernel', '--model', 'm.json', '--x1', 'a.npy', '--empirical', '--seed', '0', '--out', 'emp.npy'],
    work,
  );
  const cli = [
    entry(join(work, 'nngp.npy'), 0, 1),
    entry(join(work, 'ntk.npy'), 0, 1),
    entry(join(work, 'emp.npy'), 0, 1),
  ];
  t.diagnostic(
    `README example: ${printed.join(' ')}; CLI (nngp, ntk, empirical ntk)[0, 1]: ${cli.join(' ')}`,
  );
  for (let k = 0; k < 3; k++) {
    const rel = Math.abs(printed[k] - cli[k]) / Math.abs(cli[k]);
    assert.ok(rel <= 1e-12, `number ${k + 1}: README example ${printed[k]}, CLI ${cli[k]} (relative ${rel})`);
  }
});
