import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NtkMemoryError } from '../errors.js';
import { PRNGKey, normal } from '../random/index.js';
import { AvgPool, Conv, Dense, Flatten, GlobalAvgPool, Relu, serial } from '../nn/index.js';
import { kernelFn } from './kernelFn.js';
import { planSpatialKernelMemory, spatialRecordBytes } from './kernelMemory.js';

/** The spatial memory plan: its byte count by hand, its refusals naming the size and what fits, kernelFn refusing before allocating. */

const MiB = 2 ** 20;

test('spatialRecordBytes: pairs × entries per pair × kernels × 3 copies × 8 bytes', () => {
  assert.equal(spatialRecordBytes(4, false, 64, true, true), 16 * 4096 * 2 * 3 * 8);
  assert.equal(spatialRecordBytes(4, true, 64, true, false), 64 * 4096 * 3 * 8); // a union record holds (2t)² pairs
  assert.equal(spatialRecordBytes(3, false, 64, false, true), 9 * 64 * 2 * 3 * 8);
});

test('planSpatialKernelMemory: the bytes it returns, and refusals that name the size and the tile / positions / N that fit', () => {
  const job = {
    n1: 10,
    n2: 10,
    spatial: [8, 8],
    diagonalSpatial: false,
    wantNtk: true,
    tile: 8,
    union: false,
    threads: 2,
  };
  const results = 8 * (10 * 10 * 2 + 20);
  const need = results + 2 * spatialRecordBytes(8, false, 64, true, true);
  assert.equal(planSpatialKernelMemory({ ...job, memoryLimitBytes: need }), need);
  // one byte short: a smaller tile fits; the largest is the t with results + 2·t²·(4096·2·3·8) ≤ limit
  let err: unknown;
  try {
    planSpatialKernelMemory({ ...job, memoryLimitBytes: need - 1 });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof NtkMemoryError);
  assert.equal(err.neededBytes, need);
  assert.equal(err.limitBytes, need - 1);
  assert.match(
    err.message,
    /needs 24\.0 MiB \(results 1\.7 KiB \+ 2 thread\(s\) × a tile record of 8² input pairs/,
  );
  assert.match(err.message, /a tile edge of at most 7 fits \(tileSize 7, or fewer threads\)/);
  assert.match(err.message, /all 64² position pairs × 2 kernel\(s\)/);
  // 32×32 images: one input pair of the all-pairs record is 2·3·8·1024² B = 48 MiB per thread
  const big = { ...job, spatial: [32, 32], tile: 1, threads: 1 };
  assert.throws(
    () => planSpatialKernelMemory({ ...big, memoryLimitBytes: 40 * MiB }),
    (e: unknown) =>
      e instanceof NtkMemoryError &&
      /even a tile of one input pair is too large: at most 934 positions fit \(e\.g\. 30×30 images\)/.test(
        e.message,
      ) &&
      /the largest N \(N1 = N2\) that fits is 0/.test(e.message),
  );
  // the largest N at the planned tile when the results are what does not fit: N fits and N + 1 does not
  const many = {
    ...job,
    n1: 3000,
    n2: 3000,
    spatial: [4, 4],
    tile: 1,
    threads: 1,
    memoryLimitBytes: 100 * MiB,
  };
  let msg = '';
  try {
    planSpatialKernelMemory(many);
  } catch (e) {
    msg = (e as Error).message;
  }
  const n = Number(/the largest N \(N1 = N2\) that fits is (\d+)/.exec(msg)?.[1]);
  assert.ok(n > 2000 && n < 3000, msg);
  assert.doesNotThrow(() => planSpatialKernelMemory({ ...many, n1: n, n2: n }));
  assert.throws(() => planSpatialKernelMemory({ ...many, n1: n + 1, n2: n + 1 }), NtkMemoryError);
});

test('kernelFn on images with pooling refuses before allocating, under memoryLimitBytes and NTK_MEMORY_LIMIT', () => {
  const x = { shape: [2, 16, 16, 1], data: normal(PRNGKey(1), 512) };
  const net = serial(
    Conv({ channels: 1, filter: [3, 3], padding: 'SAME' }),
    Relu(),
    AvgPool({ window: [2, 2] }),
    Flatten(),
    Dense({ width: 1 }),
  );
  // all pairs of 256 positions: 65 536 entries per input pair, 3 MiB per pair for NNGP + NTK
  assert.throws(
    () => kernelFn(net, x, null, { memoryLimitBytes: 2 * MiB, threads: 1 }),
    (e: unknown) =>
      e instanceof NtkMemoryError &&
      /all 256² position pairs/.test(e.message) &&
      /at most \d+ positions fit/.test(e.message),
  );
  const old = process.env.NTK_MEMORY_LIMIT;
  process.env.NTK_MEMORY_LIMIT = '2M';
  try {
    assert.throws(() => kernelFn(net, x, null, { threads: 1 }), NtkMemoryError);
    // Conv → Relu → GlobalAvgPool takes the fused displacement-wise recursion (src/kernels/cntk/), which holds
    // one H×W array per position displacement instead of all 256² position pairs: it fits in 2 MiB
    const gap = kernelFn(serial(Conv({ channels: 1, filter: [3, 3] }), Relu(), GlobalAvgPool()), x, null, {
      threads: 1,
    });
    assert.ok(gap.nngp.data.every(Number.isFinite));
  } finally {
    if (old === undefined) delete process.env.NTK_MEMORY_LIMIT;
    else process.env.NTK_MEMORY_LIMIT = old;
  }
  // without pooling only equal positions are held (256 entries per pair, 12 KiB for NNGP + NTK): the same limit
  // holds tiles of 8×8 pairs
  const flat = serial(
    Conv({ channels: 1, filter: [3, 3], padding: 'SAME' }),
    Relu(),
    Flatten(),
    Dense({ width: 1 }),
  );
  assert.ok(
    kernelFn(flat, x, null, { memoryLimitBytes: 2 * MiB, threads: 1, tileSize: 8 }).ntk!.data.every(
      Number.isFinite,
    ),
  );
});
