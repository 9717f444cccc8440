/**
 * The planned memory of an engine task (src/tiles/taskMemory.ts), against sums worked by hand from the plan's
 * sizes, and the refusal of a request below it.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { NtkInputError } from '../errors.js';
import type { TilePlan } from './plan.js';
import {
  mergeMemoryMiB,
  parseSlurmMem,
  taskMemory,
  taskMemoryLimit,
  taskMemoryRequest,
} from './taskMemory.js';

const MiB = 2 ** 20;
const plan = (o: Partial<TilePlan> = {}): TilePlan => ({
  format: 'ntk-lab tile plan',
  version: 1,
  get: 'ntk',
  method: 'analytic',
  model: { path: '/m.json', sha256: '' },
  x1: { path: '/x.npy', sha256: '', shape: [300, 10] },
  x2: null,
  params: null,
  seed: null,
  symmetric: true,
  n1: 300,
  n2: 300,
  tile: 100,
  tiles: 6,
  codeVersion: '',
  backend: 'ts',
  created: '',
  ...o,
});

test('taskMemory: runtime + inputs (300×10×8) + the NTK and NNGP of a 100² tile and one read-back buffer', () => {
  const t = taskMemory(plan(), 1);
  assert.equal(t.inputs, 24000);
  assert.equal(t.tile, 3 * 100 * 100 * 8);
  assert.equal(t.total, 256 * MiB + 24000 + 240000);
  assert.equal(t.requestMiB, Math.ceil(((256 * MiB + 264000) * 1.25) / MiB)); // 321
  assert.equal(t.requestMiB, 321);
});

test('taskMemory: an NNGP plan holds one kernel; x2 adds its rows; tiles are clipped to the kernel', () => {
  const t = taskMemory(plan({ get: 'nngp', x2: { path: '/y.npy', sha256: '', shape: [50, 10] }, n2: 50 }), 1);
  assert.equal(t.inputs, 8 * 10 * 350);
  assert.equal(t.tile, 2 * 100 * 50 * 8);
});

test('taskMemory: images add a spatial record budget per thread and a worker isolate per extra thread', () => {
  const p = plan({ x1: { path: '/x.npy', sha256: '', shape: [300, 8, 8, 3] } });
  assert.equal(taskMemory(p, 2).tile - taskMemory(p, 1).tile, 32 * MiB + 64 * MiB);
  assert.equal(taskMemory(p, 1).inputs, 300 * 192 * 8);
});

test('parseSlurmMem: K/M/G/T suffixes are binary, no suffix is MiB; anything else is refused naming the flag', () => {
  assert.equal(parseSlurmMem('--mem', '2G'), 2 * 2 ** 30);
  assert.equal(parseSlurmMem('--mem', '1500'), 1500 * MiB);
  assert.equal(parseSlurmMem('--mem', '512m'), 512 * MiB);
  for (const bad of ['2 GB', '-1G', '0', 'lots', '1.5G'])
    assert.throws(
      () => parseSlurmMem('--mem', bad),
      (e: unknown) => e instanceof NtkInputError && /--mem: .*got '/.test(e.message),
    );
});

test('taskMemoryRequest: default = the planned request; a request below the planned peak is refused with the need', () => {
  assert.equal(taskMemoryRequest(plan(), 1, '--mem'), 321 * MiB);
  assert.equal(taskMemoryRequest(plan(), 1, '--mem', '2G'), 2 ** 31);
  assert.throws(
    () => taskMemoryRequest(plan(), 1, '--mem', '100M'),
    (e: unknown) =>
      e instanceof NtkInputError && /--mem 100M is below .*ask for at least 321M/.test(e.message),
  );
});

test('taskMemoryLimit: the request less the runtime and the inputs, whole MiB; merge: a block row and two tiles', () => {
  assert.equal(taskMemoryLimit(plan(), 1, 321 * MiB), 64 * MiB); // 321 − 256 − 0.02 MiB = 64.98, rounded down
  assert.equal(
    mergeMemoryMiB(plan()),
    Math.ceil(((256 * MiB + 8 * (100 * 300 + 2 * 100 * 100)) * 1.25) / MiB),
  );
});
