/**
 * Running the peer scripts (bench/peers/*.py: what a researcher would otherwise use) with the
 * system Python, in the same run as our own timings. A missing interpreter, a missing module or a
 * missing script is not an error: the caller gets the reason and prints it as a skip. The peers load the
 * system's OpenBLAS too, so they get the OpenBLAS variables our native backend sets when the user has not
 * (src/linalg/native/openBlasEnvironment.cts: the core type and the thread timeout): both sides run the same
 * kernels the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openBlasEnvironment } from '../src/linalg/native/openBlasEnvironment.cjs';

export interface PeerOptions {
  /** Python modules the script imports; checked first so a missing one is a clear skip (default ['numpy']). */
  modules?: string[];
  timeoutSeconds?: number;
}

export type PeerRun =
  | { ok: true; stdout: string; seconds: number; command: string }
  | { ok: false; reason: string; command: string };

/** The repository root: the nearest ancestor of this file with the ntk-lab package.json. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ntk-lab')
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`bench: no ntk-lab package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** NTK_PEERS, else the repository's own bench/peers. */
export function peersDir(): string {
  return process.env.NTK_PEERS ? resolve(process.env.NTK_PEERS) : resolve(repoRoot(), 'bench', 'peers');
}

/** NTK_PYTHON, else the system interpreter (the peers are meant for Debian's python3-numpy etc.). */
export function python(): string {
  return process.env.NTK_PYTHON ?? '/usr/bin/python3';
}

const moduleCheck = new Map<string, string | null>();

/** null when `python` imports every module, else the reason it cannot. */
export function pythonMissing(modules: string[]): string | null {
  const py = python();
  if (!existsSync(py)) return `${py} not found`;
  for (const m of modules) {
    if (!moduleCheck.has(m)) {
      const r = spawnSync(py, ['-c', `import ${m}`], { encoding: 'utf8', timeout: 60_000 });
      moduleCheck.set(
        m,
        r.status === 0 ? null : `${py} cannot import ${m} (apt-get install -y python3-${m})`,
      );
    }
    const why = moduleCheck.get(m);
    if (why) return why;
  }
  return null;
}

/** Evaluate a short Python snippet (stdout trimmed), or null when Python or a module is missing or it fails. */
export function pythonEval(code: string, modules: string[] = []): string | null {
  if (pythonMissing(modules) !== null) return null;
  const r = spawnSync(python(), ['-c', code], { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function runPeer(script: string, args: string[], opts: PeerOptions = {}): PeerRun {
  const path = join(peersDir(), script);
  const command = `${python()} ${path} ${args.join(' ')}`.trim();
  if (!existsSync(path))
    return { ok: false, reason: `peer script ${path} not found (set NTK_PEERS)`, command };
  const missing = pythonMissing(opts.modules ?? ['numpy']);
  if (missing) return { ok: false, reason: missing, command };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(python(), [path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...openBlasEnvironment(process.env) },
    timeout: (opts.timeoutSeconds ?? 600) * 1000,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) return { ok: false, reason: `${r.error.message}`, command };
  if (r.status !== 0)
    return {
      ok: false,
      reason: `exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      command,
    };
  return { ok: true, stdout: r.stdout, seconds, command };
}
