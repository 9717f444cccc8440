import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { npyPieces, parseNpy, serializeNpy, type NpyDtype } from './npy.js';
import { readNpy, writeNpy, readMatrix, writeMatrix } from './npyFile.js';
import { Matrix } from '../linalg/matrix.js';

// Fixtures written by NumPy (scripts/make-npy-fixtures.py); this file runs from dist/src/io/.
const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/npy/', import.meta.url));

interface Expected {
  dtype: NpyDtype;
  shape: number[];
  data: (number | string)[];
  version: [number, number];
}
const spec = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  arrays: Record<string, Expected>;
  bad: Record<string, string>;
};

function expectedValue(v: number | string, dtype: NpyDtype): number | bigint {
  if (dtype === 'int64') return BigInt(v as string);
  if (typeof v === 'number') return v;
  return { nan: NaN, inf: Infinity, '-inf': -Infinity, '-0.0': -0 }[v] as number;
}

test('every NumPy-written fixture parses to the dtype, shape and values NumPy recorded', () => {
  assert.ok(Object.keys(spec.arrays).length >= 14);
  for (const [name, e] of Object.entries(spec.arrays)) {
    const a = readNpy(join(FIXTURES, `${name}.npy`));
    assert.equal(a.dtype, e.dtype, name);
    assert.deepEqual(a.shape, e.shape, name);
    assert.equal(a.fortranOrder, false);
    assert.equal(a.data.length, e.data.length, name);
    for (let k = 0; k < e.data.length; k++) {
      const want = expectedValue(e.data[k], e.dtype);
      assert.ok(Object.is(a.data[k], want), `${name}[${k}]: got ${a.data[k]}, NumPy wrote ${String(want)}`);
    }
  }
});

test('serializeNpy reproduces numpy.save byte for byte (version 1.0 fixtures)', () => {
  let n = 0;
  for (const [name, e] of Object.entries(spec.arrays)) {
    if (e.version[0] !== 1) continue;
    const bytes = readFileSync(join(FIXTURES, `${name}.npy`));
    const a = parseNpy(bytes);
    assert.deepEqual(Buffer.from(serializeNpy(a.data, a.shape)), bytes, name);
    n++;
  }
  assert.ok(n >= 12);
});

test('malformed or unsupported files are rejected with an error naming the file and the problem', () => {
  for (const [name, why] of Object.entries(spec.bad)) {
    const path = join(FIXTURES, `${name}.npy`);
    assert.throws(
      () => readNpy(path),
      (err: Error) => err.message.includes(path) && err.message.includes(why),
      name,
    );
  }
  assert.throws(
    () => readNpy(join(FIXTURES, 'no-such-file.npy')),
    /readNpy: cannot read '.*no-such-file\.npy'/,
  );
});

/** The bytes of a v1.0 file with the given header dict text and data bytes (header padded as NumPy does). */
function craft(header: string, data: Uint8Array, major = 1): Uint8Array {
  const prefix = major === 1 ? 10 : 12;
  let h = header;
  while ((prefix + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  out.set(new TextEncoder().encode(h), prefix);
  out.set(data, prefix + h.length);
  return out;
}

test('header variants numpy (or older numpy) writes: = and | byte order, 2-style longs, any key order', () => {
  const data = new Uint8Array(new Float64Array([1.5, -2]).buffer);
  for (const descr of ['<f8', '=f8', '|f8']) {
    const a = parseNpy(craft(`{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`, data));
    assert.deepEqual(Array.from(a.data as Float64Array), [1.5, -2]);
  }
  const b = parseNpy(craft(`{'shape': (1L, 2L), "fortran_order": False, 'descr': '<f8'}`, data));
  assert.deepEqual(b.shape, [1, 2]);
  const c = parseNpy(craft(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`, data, 2));
  assert.deepEqual(c.shape, [2]);
});

test('corrupt headers and data sections give clear errors', () => {
  const data = new Uint8Array(16);
  const ok = `{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }`;
  const bad = (bytes: Uint8Array, re: RegExp): void => assert.throws(() => parseNpy(bytes, 'x.npy'), re);
  bad(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /x\.npy: not a \.npy file/);
  const v4 = craft(ok, data);
  v4[6] = 4;
  bad(v4, /unsupported \.npy format version 4\.0/);
  bad(craft(ok, new Uint8Array(8)), /data section has 8 bytes, expected 16/);
  bad(craft(ok, new Uint8Array(24)), /data section has 24 bytes, expected 16/);
  bad(craft(`{'descr': '<f8', 'shape': (2,), }`, data), /has no 'fortran_order' key/);
  bad(craft(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,-1), }`, data), /malformed \.npy header/);
  bad(craft(`{'descr': '<f8', 'fortran_order': False, 'shape': [2], }`, data), /malformed \.npy header/);
  bad(craft(`{'descr': '<f8', 'fortran_order': 0, 'shape': (2,), }`, data), /malformed \.npy header/);
  bad(craft(`{'descr': '>i4', 'fortran_order': False, 'shape': (4,), }`, data), /big-endian dtype '>i4'/);
  bad(
    craft(`{'descr': '<f2', 'fortran_order': False, 'shape': (8,), }`, data),
    /unsupported \.npy dtype '<f2'/,
  );
  const truncated = craft(ok, data).subarray(0, 40);
  bad(truncated, /truncated \.npy file/);
});

const DTYPES: NpyDtype[] = ['float64', 'float32', 'int32', 'int64'];

test('serialize → parse round-trips any rank, dtype and values (property test)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      fc.constantFrom(...DTYPES),
      fc.integer(),
      (shape, dtype, seed) => {
        const n = shape.reduce((p, d) => p * d, 1);
        let data: Float64Array | Float32Array | Int32Array | BigInt64Array;
        if (dtype === 'float64')
          data = Float64Array.from({ length: n }, (_, k) => Math.sin(seed + k) * 10 ** (k % 30));
        else if (dtype === 'float32') data = Float32Array.from({ length: n }, (_, k) => Math.cos(seed * k));
        else if (dtype === 'int32') data = Int32Array.from({ length: n }, (_, k) => (seed * (k + 1)) | 0);
        else data = BigInt64Array.from({ length: n }, (_, k) => BigInt(seed) * 4294967311n * BigInt(k + 1));
        const a = parseNpy(serializeNpy(data, shape));
        assert.equal(a.dtype, dtype);
        assert.deepEqual(a.shape, shape);
        assert.deepEqual(a.data, data);
      },
    ),
    { numRuns: 200, seed: 42 },
  );
});

test('serializeNpy converts between dtypes exactly or refuses, and checks its arguments', () => {
  const a = parseNpy(serializeNpy([1, 2, 3], [3], 'int64'));
  assert.deepEqual(a.data, BigInt64Array.of(1n, 2n, 3n));
  assert.equal(parseNpy(serializeNpy([0.1], [1], 'float32')).data[0], Math.fround(0.1));
  assert.deepEqual(parseNpy(serializeNpy(Int32Array.of(-4, 5), [2])).dtype, 'int32');
  assert.throws(() => serializeNpy([1.5], [1], 'int32'), /data\[0\] = 1.5 is not an int32/);
  assert.throws(
    () => serializeNpy([2 ** 53], [1], 'int64'),
    /data\[0\] = 9007199254740992 is not an integer exactly representable/,
  );
  assert.throws(() => serializeNpy([1, 2, 3], [2, 2]), /data has 3 elements but shape \(2, 2\) needs 4/);
  assert.throws(() => serializeNpy([1], [1.5]), /shape entries must be non-negative integers/);
  assert.throws(() => serializeNpy([1], [1], 'uint8' as NpyDtype), /dtype must be/);
});

test('readMatrix / writeMatrix: rank 2 as is, rank 1 as a column, rank 3 refused; writes are atomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-npy-'));
  try {
    const M = Matrix.fromRows([
      [1, 2, 3],
      [4, 5, 6.5],
    ]);
    const p = join(dir, 'm.npy');
    writeMatrix(p, M);
    const R = readMatrix(p);
    assert.equal(R.rows, 2);
    assert.equal(R.cols, 3);
    assert.deepEqual(R.data, M.data);
    writeMatrix(p, Matrix.identity(2)); // overwrite in place
    assert.deepEqual(readMatrix(p).data, Matrix.identity(2).data);
    assert.deepEqual(readdirSync(dir), ['m.npy'], 'no temp files left behind');

    const col = readMatrix(join(FIXTURES, 'i4-rank1.npy'));
    assert.equal(col.cols, 1);
    assert.equal(col.get(3, 0), 2 ** 31 - 1);
    assert.throws(() => readMatrix(join(FIXTURES, 'f8-rank3.npy')), /has rank 3 .*expected rank 1 or 2/);
    assert.throws(() => readMatrix(join(FIXTURES, 'i8-rank2.npy')), /not exactly representable as float64/);

    const missing = join(dir, 'no', 'such', 'dir', 'x.npy');
    assert.throws(() => writeNpy(missing, [1], [1]), /writeNpy: cannot write '.*x\.npy'/);
    assert.ok(!existsSync(join(dir, 'no')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function hasNumpy(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0;
}

test('files written by writeNpy load in numpy.load with the same bytes numpy.save would write', (t) => {
  if (!hasNumpy()) {
    t.skip('/usr/bin/python3 with NumPy not found: skipping the numpy.load round trip');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ntk-npy-'));
  try {
    const cases: [string, Float64Array | Float32Array | Int32Array | BigInt64Array, number[]][] = [
      ['a', Float64Array.from([Math.PI, -0, NaN, Infinity, 5e-324, 1e300]), [2, 3]],
      ['b', Float32Array.from([1.25, -3.5]), [2]],
      ['c', Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, 7]), [2, 1, 2]],
      ['d', BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n]), [2]],
      ['e', Float64Array.from([42]), []],
      ['f', new Float64Array(0), [3, 0]],
    ];
    const script =
      'import sys, numpy as np\n' +
      'for p in sys.argv[1:]:\n' +
      '    a = np.load(p)\n' +
      "    np.save(p + '.resaved.npy', a)\n" +
      '    print(a.dtype.str, a.shape)\n';
    const paths = cases.map(([name, data, shape]) => {
      const p = join(dir, `${name}.npy`);
      writeNpy(p, data, shape);
      return p;
    });
    const r = spawnSync('/usr/bin/python3', ['-c', script, ...paths], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(' ')[0]),
      ['<f8', '<f4', '<i4', '<i8', '<f8', '<f8'],
    );
    assert.match(lines[0], /\(2, 3\)/);
    assert.match(lines[4], /\(\)/);
    for (const p of paths) {
      assert.deepEqual(readFileSync(`${p}.resaved.npy`), readFileSync(p), `numpy re-save of ${p} differs`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('headers are newline-terminated and 64-byte aligned; a non-.npy file is named in the error', () => {
  for (const shape of [[], [0], [7], [3, 4], [100000, 2]]) {
    const n = shape.reduce((p, d) => p * d, 1);
    const bytes = serializeNpy(new Float64Array(n), shape);
    const hlen = new DataView(bytes.buffer).getUint16(8, true);
    assert.equal((10 + hlen) % 64, 0);
    assert.equal(bytes[10 + hlen - 1], 0x0a);
  }
  // A file on disk that is not .npy: error names it.
  const dir = mkdtempSync(join(tmpdir(), 'ntk-npy-'));
  try {
    const p = join(dir, 'text.npy');
    writeFileSync(p, 'hello world');
    assert.throws(
      () => readNpy(p),
      (e: Error) => e.message.startsWith(p) && /not a \.npy file/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npyPieces: header + data are serializeNpy’s bytes, the data a view of the array (no copy), any shape', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 7 }), (r, c) => {
      const a = Float64Array.from({ length: r * c }, (_, k) => Math.sin(k + 0.5) * 1e3);
      const [header, body] = npyPieces(a, [r, c]);
      const joined = new Uint8Array(header.length + body.length);
      joined.set(header, 0);
      joined.set(body, header.length);
      assert.deepEqual(joined, serializeNpy(a, [r, c], 'float64'));
      assert.equal(body.buffer, a.buffer);
    }),
  );
  assert.throws(
    () => npyPieces(new Float64Array(5), [2, 3]),
    /npyPieces: data has 5 elements but shape \(2, 3\) needs 6/,
  );
});
