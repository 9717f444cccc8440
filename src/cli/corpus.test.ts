import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy } from '../io/npyFile.js';
import { serializeNpy } from '../io/npy.js';
import { normal, PRNGKey } from '../random/index.js';

/**
 * The bad-input corpus (test/corpus/*.json): each case creates its input files in a fresh temporary folder,
 * runs the real `bin/ntk.js` one or more times, and checks the last run's exit code, fragments of its
 * stderr, files that must be unchanged or absent, JSON fields and kernel entries. A case with `xfail`
 * documents a known gap (the reason says until when) and is reported as a todo test.
 */
interface NpySpec {
  shape: number[];
  values?: (number | string)[];
  fill?: number;
  seed?: number;
  scale?: number;
  copyRows?: [number, number][];
}
interface FileSpec {
  json?: unknown;
  npy?: NpySpec;
  text?: string;
  fifo?: boolean;
  dir?: boolean;
  symlink?: string;
  mode?: string;
}
interface Case {
  name: string;
  files?: Record<string, FileSpec>;
  run: string[][];
  env?: Record<string, string>;
  exit: number;
  stderr?: string[];
  unchanged?: string[];
  absent?: string[];
  present?: string[];
  maxSeconds?: number;
  jsonContains?: { file: string; path: string; fragment: string }[];
  equalEntries?: { file: string; entries: [number, number][] };
  allFinite?: string;
  xfail?: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'ntk.js');
const corpusDir = join(root, 'test', 'corpus');

function npyBytes(s: NpySpec): Uint8Array {
  const n = s.shape.reduce((a, b) => a * b, 1);
  let data: Float64Array;
  if (s.values) data = Float64Array.from(s.values, Number);
  else if (s.fill !== undefined) data = new Float64Array(n).fill(s.fill);
  else data = normal(PRNGKey(s.seed ?? 0), n).map((v) => v * (s.scale ?? 1));
  const per = s.shape.length > 1 ? n / s.shape[0] : 1;
  for (const [to, from] of s.copyRows ?? []) data.copyWithin(to * per, from * per, (from + 1) * per);
  return serializeNpy(data, s.shape, 'float64');
}

function make(dir: string, name: string, f: FileSpec): void {
  const p = join(dir, name);
  mkdirSync(dirname(p), { recursive: true });
  if (f.dir) mkdirSync(p, { recursive: true });
  else if (f.fifo) spawnSync('mkfifo', [p]);
  else if (f.symlink !== undefined) symlinkSync(f.symlink, p);
  else if (f.json !== undefined) writeFileSync(p, JSON.stringify(f.json));
  else if (f.npy) writeFileSync(p, npyBytes(f.npy));
  else writeFileSync(p, f.text ?? '');
  if (f.mode) chmodSync(p, parseInt(f.mode, 8));
}

/** What a path is now: its type and, for a regular file, its bytes and mode. */
function snapshot(p: string): string {
  const st = lstatSync(p, { throwIfNoEntry: false });
  if (!st) return 'missing';
  if (st.isSymbolicLink()) return 'symlink';
  if (!st.isFile()) return st.isFIFO() ? 'fifo' : st.isDirectory() ? 'dir' : 'other';
  return `file ${(st.mode & 0o7777).toString(8)} ${readFileSync(p).toString('base64')}`;
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], obj);
}

function runCase(c: Case): void {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-corpus-'));
  try {
    for (const [name, f] of Object.entries(c.files ?? {})) make(dir, name, f);
    const before = new Map((c.unchanged ?? []).map((f) => [f, snapshot(join(dir, f))]));
    let r: ReturnType<typeof spawnSync> | null = null;
    let seconds = 0;
    for (const args of c.run) {
      const t0 = performance.now();
      r = spawnSync(process.execPath, [bin, ...args], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, NTK_QUIET: '1', ...(c.env ?? {}) },
      });
      seconds = (performance.now() - t0) / 1000;
    }
    const stderr = String(r!.stderr);
    assert.equal(
      r!.status,
      c.exit,
      `exit code of ntk ${c.run[c.run.length - 1].join(' ')}; stderr: ${stderr}`,
    );
    for (const frag of c.stderr ?? []) assert.ok(stderr.includes(frag), `stderr lacks '${frag}': ${stderr}`);
    const errorLines = stderr.split('\n').filter((l) => l.startsWith('ntk: error:') || /^\s+at /.test(l));
    if (c.exit !== 0) assert.equal(errorLines.length, 1, `one error line and no stack trace, got: ${stderr}`);
    for (const [f, s] of before) assert.equal(snapshot(join(dir, f)), s, `${f} changed`);
    for (const f of c.absent ?? []) assert.ok(!existsSync(join(dir, f)), `${f} should not exist`);
    for (const f of c.present ?? []) assert.ok(existsSync(join(dir, f)), `${f} should exist`);
    if (c.maxSeconds !== undefined) assert.ok(seconds < c.maxSeconds, `took ${seconds.toFixed(2)} s`);
    for (const j of c.jsonContains ?? []) {
      const v = get(JSON.parse(readFileSync(join(dir, j.file), 'utf8')), j.path);
      assert.ok(
        JSON.stringify(v).includes(j.fragment),
        `${j.file} ${j.path} lacks '${j.fragment}': ${JSON.stringify(v)}`,
      );
    }
    if (c.allFinite !== undefined) {
      const a = readNpy(join(dir, c.allFinite)).data as Float64Array;
      const k = a.findIndex((v) => !Number.isFinite(v));
      assert.equal(k, -1, `${c.allFinite}[${k}] = ${a[k]}`);
    }
    if (c.equalEntries) {
      const a = readNpy(join(dir, c.equalEntries.file));
      const cols = a.shape[1];
      const vals = c.equalEntries.entries.map(([i, k]) => (a.data as Float64Array)[i * cols + k]);
      assert.ok(
        vals.every((v) => Object.is(v, vals[0])),
        `entries differ: ${vals.join(', ')}`,
      );
    }
    // no temporaries left behind
    const temps = readdirSync(dir, { recursive: true }).filter((n) => String(n).endsWith('.tmp'));
    assert.deepEqual(temps, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const files = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .sort();
for (const file of files) {
  const cases = JSON.parse(readFileSync(join(corpusDir, file), 'utf8')) as Case[];
  for (const c of cases) {
    test(`corpus ${file}: ${c.name}`, c.xfail ? { todo: c.xfail } : {}, () => runCase(c));
  }
}
