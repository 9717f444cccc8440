import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tileGrid } from './grid.js';
import { groupTiles, parseTileList, tileWork } from './taskGroups.js';

test('groupTiles: every tile once, ⌈tiles/K⌉ tasks, loads within 4/3 of the ideal split (Graham 1969)', () => {
  // N = 40000 in tiles of 4000, symmetric: 55 upper tiles, 10 of them diagonal (half work)
  const tiles = tileGrid(40000, 40000, 4000, true);
  assert.equal(tiles.length, 55);
  for (const K of [1, 2, 5, 14, 28, 55, 100]) {
    const groups = groupTiles(tiles, K, true);
    assert.equal(groups.length, Math.ceil(55 / K));
    const all = groups.flat().sort((a, b) => a - b);
    assert.deepEqual(
      all,
      tiles.map((t) => t.index),
    );
    const work = groups.map((g) => g.reduce((s, i) => s + tileWork(tiles[i], true), 0));
    const ideal = Math.max(work.reduce((s, w) => s + w, 0) / groups.length, 4000 * 4000);
    assert.ok(Math.max(...work) <= (4 / 3) * ideal, `K = ${K}: loads ${work.join(', ')}`);
  }
  // two tasks over 45 full and 10 half tiles: 50 tile-works, split 25 / 25 exactly
  const two = groupTiles(tiles, 28, true).map((g) => g.reduce((s, i) => s + tileWork(tiles[i], true), 0));
  assert.deepEqual(two, [25 * 4000 * 4000, 25 * 4000 * 4000]);
});

test('groupTiles: a diagonal tile of a symmetric plan counts half; non-symmetric plans count areas', () => {
  const [d, o] = tileGrid(8, 8, 4, true);
  assert.equal(tileWork(d, true), 8);
  assert.equal(tileWork(o, true), 16);
  assert.equal(tileWork(d, false), 16);
  assert.throws(() => groupTiles([d], 0, true), /--tiles-per-task must be a positive integer, got 0/);
  assert.deepEqual(groupTiles([], 3, true), []);
});

test('parseTileList: lists and ranges; malformed lists are named', () => {
  assert.deepEqual(parseTileList('3,5,9'), [3, 5, 9]);
  assert.deepEqual(parseTileList('0-3,7'), [0, 1, 2, 3, 7]);
  assert.throws(
    () => parseTileList('1,x'),
    /--tiles must be tile indices like '3,5,9' or '0-4,7', got '1,x'/,
  );
  assert.throws(() => parseTileList('5-2'), /range '5-2' runs backwards/);
});
