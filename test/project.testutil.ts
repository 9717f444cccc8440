// A throw-away TypeScript project that uses ntk-lab as a dependency, as a new user would: strict
// compiler options, `import … from 'ntk-lab'`, compiled by the repository's TypeScript and run by Node.
// Also the small input files the docs' command lines name (m.json, a.npy, x.npy, y.npy, …).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../src/linalg/matrix.js';
import { PRNGKey, normal } from '../src/random/index.js';
import { serializeNpy } from '../src/io/npy.js';

/** The repository (this file is compiled to dist/test/). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** `tsc --strict` settings of a user's Node ESM project. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    rootDir: 'src',
    outDir: 'out',
  },
  include: ['src'],
};

/** Write package.json (ESM, with `dependencies`) and the strict tsconfig.json into `dir`. */
export function writeProject(dir: string, dependencies: Record<string, string> = {}): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  const pkg = { name: 'ntk-lab-user', version: '1.0.0', private: true, type: 'module', dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
}

/** Compile the project in `dir` with the repository's TypeScript; diagnostics grouped by source file (src/…). */
export function compileProject(dir: string): {
  status: number | null;
  byFile: Map<string, string[]>;
  output: string;
} {
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const byFile = new Map<string, string[]>();
  for (const line of (r.stdout + r.stderr).split('\n')) {
    const m = /^(src\/[^(]+)\((\d+),(\d+)\): (.*)$/.exec(line);
    if (!m) continue;
    const list = byFile.get(m[1]) ?? [];
    list.push(`line ${m[2]}, col ${m[3]}: ${m[4]}`);
    byFile.set(m[1], list);
  }
  return { status: r.status, byFile, output: r.stdout + r.stderr };
}

/** Run a command line with `sh -c` in `cwd`, `ntk` on the PATH as `ntkBin`, with a time limit. */
export function runShell(
  command: string,
  cwd: string,
  ntkBin: string,
  timeoutMs = 180_000,
): SpawnSyncReturns<string> {
  const shim = join(cwd, '.bin');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'ntk'), `#!/bin/sh\nexec "${process.execPath}" "${ntkBin}" "$@"\n`, {
    mode: 0o755,
  });
  const line = command.replace(/(^|[;&|(]\s*)(npx\s+ntk|node\s+bin\/ntk\.js)(?=\s|$)/g, '$1ntk');
  return spawnSync('sh', ['-c', line], {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, PATH: `${shim}:${process.env.PATH ?? ''}`, NTK_QUIET: '1' },
  });
}

/** The model of README's library example: Dense(512) → ReLU → Dense(1), W_std 1.5, b_std 0.1. */
export const README_MODEL = {
  parameterization: 'ntk',
  layers: [
    { type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 },
    { type: 'Relu' },
    { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
  ],
};

/** The inputs of README's library example (3 points in ℝ²). */
export const README_X = [
  [1, 2],
  [-0.5, 1.5],
  [3, -1],
];

function npy(path: string, m: Matrix | { shape: number[]; data: Float64Array }): void {
  const shape = m instanceof Matrix ? [m.rows, m.cols] : m.shape;
  writeFileSync(path, serializeNpy(m.data, shape));
}

/**
 * The input files the docs' command lines use, in `dir`: m.json (README's model), relu3.json (three
 * ReLU layers, docs/spectra.md), cnn.json (Conv → ReLU → GlobalAvgPool → Dense on 8×8×1, docs/cntk.md);
 * a.npy = x.npy (README's three points), y.npy (3×1), images.npy (4×8×8×1); seeded normals.
 */
export function writeFixtures(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'm.json'), JSON.stringify(README_MODEL));
  const hidden = { type: 'Dense', width: 512, W_std: Math.SQRT2, b_std: 0.1 };
  const relu3 = [hidden, { type: 'Relu' }, hidden, { type: 'Relu' }, hidden, { type: 'Relu' }];
  writeFileSync(join(dir, 'relu3.json'), JSON.stringify({ layers: [...relu3, { ...hidden, width: 1 }] }));
  const cnn = {
    inputShape: [8, 8, 1],
    layers: [
      { type: 'Conv', channels: 16, filter: [3, 3], padding: 'SAME', W_std: Math.SQRT2, b_std: 0.1 },
      { type: 'Relu' },
      { type: 'GlobalAvgPool' },
      { type: 'Dense', width: 1, W_std: 1, b_std: 0.1 },
    ],
  };
  writeFileSync(join(dir, 'cnn.json'), JSON.stringify(cnn));
  const x = Matrix.fromRows(README_X);
  npy(join(dir, 'a.npy'), x);
  npy(join(dir, 'x.npy'), x);
  npy(join(dir, 'y.npy'), new Matrix(3, 1, normal(PRNGKey(1), 3)));
  npy(
    join(dir, 'onehot.npy'),
    Matrix.fromRows([
      [1, 0],
      [0, 1],
      [1, 0],
    ]),
  );
  npy(join(dir, 'images.npy'), { shape: [4, 8, 8, 1], data: normal(PRNGKey(2), 4 * 64) });
}
