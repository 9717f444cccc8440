import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threefry2x32 } from './threefry.js';
import { PRNGKey, split, foldIn } from './keys.js';
import { randomBits } from './bits.js';

const hex = (a: ArrayLike<number>): string[] => Array.from(a, (x) => x.toString(16).padStart(8, '0'));

test('threefry2x32-20 matches the Random123 known-answer vectors (kat_vectors)', () => {
  assert.deepEqual(hex(threefry2x32(Uint32Array.of(0, 0), [0, 0])), ['6b200159', '99ba4efe']);
  assert.deepEqual(hex(threefry2x32(Uint32Array.of(0xffffffff, 0xffffffff), [0xffffffff, 0xffffffff])), [
    '1cb996fc',
    'bb002be7',
  ]);
  assert.deepEqual(hex(threefry2x32(Uint32Array.of(0x13198a2e, 0x03707344), [0x243f6a88, 0x85a308d3])), [
    'c4923a9c',
    '483df7a0',
  ]);
});

test("threefry2x32 reproduces JAX's legacy split of PRNGKey(0) (published in the JAX docs)", () => {
  // jax.random.split(PRNGKey(0)) with jax_threefry_partitionable=False is threefry_2x32(key, iota(4))
  // with counters (0,2), (1,3): keys [4146024105, 967050713] and [2718843009, 1272950319].
  const k = PRNGKey(0);
  const a = threefry2x32(k, [0, 2]);
  const b = threefry2x32(k, [1, 3]);
  assert.deepEqual([a[0], b[0]], [4146024105, 967050713]);
  assert.deepEqual([a[1], b[1]], [2718843009, 1272950319]);
});

test('PRNGKey gives the 64-bit two-complement words of the seed', () => {
  const ref = (s: number): number[] => {
    const v = BigInt.asUintN(64, BigInt(s));
    return [Number(v >> 32n), Number(v & 0xffffffffn)];
  };
  for (const s of [
    0,
    1,
    42,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 32 + 5,
    2 ** 53 - 1,
    -1,
    -2,
    -(2 ** 32),
    -(2 ** 32) - 1,
    -(2 ** 53) + 1,
  ]) {
    assert.deepEqual(Array.from(PRNGKey(s)), ref(s), `seed ${s}`);
  }
  assert.deepEqual(Array.from(PRNGKey(7)), [0, 7]);
  assert.throws(() => PRNGKey(1.5), /PRNGKey: seed must be an integer/);
  assert.throws(() => PRNGKey(2 ** 53), /seed/);
});

test('split and foldIn follow the partitionable JAX scheme: child i = threefry(key, [0, i])', () => {
  const k = PRNGKey(123);
  const kids = split(k, 5);
  assert.equal(kids.length, 5);
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(Array.from(kids[i]), Array.from(threefry2x32(k, [0, i])));
    assert.deepEqual(Array.from(foldIn(k, i)), Array.from(kids[i]));
  }
  assert.equal(split(k).length, 2);
  assert.deepEqual(Array.from(foldIn(k, -1)), Array.from(threefry2x32(k, [0, 0xffffffff])));
  // All children distinct from each other and from the parent.
  const all = new Set([k, ...split(k, 1000)].map((x) => `${x[0]},${x[1]}`));
  assert.equal(all.size, 1001);
});

test('randomBits: element i is x0 xor x1 of counter [0, i]; keys are not modified', () => {
  const k = PRNGKey(9);
  const before = Array.from(k);
  const bits = randomBits(k, 50);
  for (let i = 0; i < 50; i++) {
    const w = threefry2x32(k, [0, i]);
    assert.equal(bits[i], (w[0] ^ w[1]) >>> 0);
  }
  assert.deepEqual(Array.from(k), before);
  assert.deepEqual(randomBits(k, 50), bits, 'deterministic');
  assert.equal(randomBits(k, 0).length, 0);
});

test('bad keys and counts are rejected with a message naming the argument', () => {
  assert.throws(() => split(new Uint32Array(3) as unknown as Uint32Array, 2), /split: key must be a Key/);
  assert.throws(() => randomBits(PRNGKey(0), -1), /randomBits: n must be a non-negative integer/);
  assert.throws(() => foldIn(PRNGKey(0), 2 ** 32), /foldIn: data/);
  assert.throws(() => threefry2x32(PRNGKey(0), [0, 2 ** 32]), /counter words/);
});
