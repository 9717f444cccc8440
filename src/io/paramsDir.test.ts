import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  existsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Dense } from '../nn/dense.js';
import { Relu } from '../nn/activations/abRelu.js';
import { Identity } from '../nn/identity.js';
import { serial } from '../nn/combinators/serial.js';
import { parallel } from '../nn/combinators/parallel.js';
import { FanOut } from '../nn/combinators/fanOut.js';
import { FanInSum } from '../nn/combinators/fanIn.js';
import { flattenParams } from '../nn/params.js';
import { PRNGKey } from '../random/index.js';
import { readNpy, writeNpy } from './npyFile.js';
import { readParamsDir, writeParamsDir } from './paramsDir.js';

const net = serial(
  Dense({ width: 5, W_std: 1.5, b_std: 0.1 }),
  Relu(),
  FanOut(2),
  parallel(Dense({ width: 5, W_std: 1.5, b_std: null }), Identity()),
  FanInSum(),
  Dense({ width: 2, W_std: 1.5, b_std: 0.1 }),
);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ntk-params-'));
}

test('writeParamsDir writes dense{i}.W.npy (in×out) and dense{i}.b.npy in network order; readParamsDir round-trips', () => {
  const root = tmp();
  try {
    const dir = join(root, 'p');
    const params = net.init(PRNGKey(3), [4]);
    writeParamsDir(dir, net, params);
    assert.deepEqual(readdirSync(dir).sort(), [
      'dense0.W.npy',
      'dense0.b.npy',
      'dense1.W.npy',
      'dense2.W.npy',
      'dense2.b.npy',
    ]);
    assert.deepEqual(readNpy(join(dir, 'dense0.W.npy')).shape, [4, 5]);
    assert.deepEqual(readNpy(join(dir, 'dense1.W.npy')).shape, [5, 5]);
    assert.deepEqual(readNpy(join(dir, 'dense2.b.npy')).shape, [2]);
    // Raw N(0,1) draws ('ntk'): the file holds exactly the stored W.
    const first = (params as unknown as { W: { data: Float64Array } }[])[0].W.data;
    assert.deepEqual(readNpy(join(dir, 'dense0.W.npy')).data, first);
    const back = readParamsDir(dir, net, [4]);
    assert.deepEqual(flattenParams(back), flattenParams(params));
    // Overwrite in place (each file replaced atomically); no temporaries left behind.
    const p2 = net.init(PRNGKey(4), [4]);
    writeParamsDir(dir, net, p2);
    assert.deepEqual(flattenParams(readParamsDir(dir, net, [4])), flattenParams(p2));
    assert.deepEqual(readdirSync(root), ['p']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('readParamsDir: clear errors for a missing file, a wrong shape, an extra layer, a non-directory', () => {
  const root = tmp();
  try {
    const dir = join(root, 'p');
    writeParamsDir(dir, net, net.init(PRNGKey(1), [4]));
    assert.throws(
      () => readParamsDir(dir, net, [3]),
      /dense0\.W\.npy has shape \(4, 5\), the model expects \(3, 5\) for Dense layer #0/,
    );
    writeNpy(join(dir, 'dense3.W.npy'), new Float64Array(4), [2, 2]);
    assert.throws(
      () => readParamsDir(dir, net, [4]),
      /files the model has no parameters for: dense3\.W\.npy/,
    );
    unlinkSync(join(dir, 'dense3.W.npy'));
    unlinkSync(join(dir, 'dense2.b.npy'));
    assert.throws(
      () => readParamsDir(dir, net, [4]),
      /lacks dense2\.b\.npy \(Dense layer #2 \(params\[5\]\.b\), shape \(2,\)\)/,
    );
    assert.throws(() => readParamsDir(join(root, 'nope'), net, [4]), /'.*nope' is not a directory/);
    // float32 files (as PyTorch often saves) are accepted and widened exactly.
    writeNpy(join(dir, 'dense2.b.npy'), new Float32Array([0.5, -1.25]), [2], 'float32');
    const p32 = readParamsDir(dir, net, [4]) as unknown as { b: { data: Float64Array } }[];
    assert.deepEqual(Array.from(p32[5].b.data), [0.5, -1.25]);
    writeNpy(join(dir, 'dense2.b.npy'), new Float64Array([1, NaN]), [2]);
    assert.throws(() => readParamsDir(dir, net, [4]), /non-finite value NaN at flat index 1/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('NumPy loads the files with the documented shapes (skipped without python3 + numpy)', (t) => {
  const py = '/usr/bin/python3';
  if (!existsSync(py) || spawnSync(py, ['-c', 'import numpy']).status !== 0) {
    t.skip('python3 with numpy not available');
    return;
  }
  const root = tmp();
  try {
    const dir = join(root, 'p');
    const params = net.init(PRNGKey(2), [4]);
    writeParamsDir(dir, net, params);
    const r = spawnSync(
      py,
      [
        '-c',
        `import numpy as np; W = np.load('${dir}/dense0.W.npy'); print(W.shape, W.dtype, repr(float(W[1, 2])), sep='|')`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const W = (params as unknown as { W: { data: Float64Array } }[])[0].W.data;
    const [shape, dtype, value] = r.stdout.trim().split('|');
    assert.equal(shape, '(4, 5)');
    assert.equal(dtype, 'float64');
    assert.equal(Number(value), W[1 * 5 + 2]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('writeParamsDir writes into the folder: other files stay; another model’s files are refused unless force', () => {
  const root = tmp();
  try {
    const dir = join(root, 'p');
    const params = net.init(PRNGKey(3), [4]);
    writeParamsDir(dir, net, params);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeParamsDir(dir, net, net.init(PRNGKey(5), [4]));
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
    // another model: an extra layer file, or our names with other shapes
    writeNpy(join(dir, 'dense7.W.npy'), new Float64Array(4), [2, 2]);
    assert.throws(() => writeParamsDir(dir, net, params), /another model: dense7\.W\.npy/);
    assert.ok(existsSync(join(dir, 'dense7.W.npy')));
    const small = serial(Dense({ width: 3, W_std: 1, b_std: null }));
    assert.throws(
      () => writeParamsDir(join(root, 'p'), small, small.init(PRNGKey(0), [4])),
      /dense0\.W\.npy \(shape \(4, 5\), this model: \(4, 3\)\)/,
    );
    // force: replaced, and the folder reads back as the new model
    writeParamsDir(dir, net, params, { force: true });
    assert.ok(!existsSync(join(dir, 'dense7.W.npy')));
    assert.deepEqual(flattenParams(readParamsDir(dir, net, [4])), flattenParams(params));
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'mine');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
