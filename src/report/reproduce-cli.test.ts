import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file runs from dist/src/report/). */
const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BIN = join(ROOT, 'bin', 'ntk.js');

function ntk(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NTK_QUIET: '1' } });
}

test('`ntk reproduce 003 --preset quick` writes the report, and a rerun resumes from the cache', () => {
  const out = mkdtempSync(join(tmpdir(), 'ntk-cli-'));
  try {
    const first = ntk(['reproduce', '003-catapult-toy', '--preset', 'quick', '--out', out, '--no-png']);
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /holds\s+003-catapult-toy/);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    assert.deepEqual(
      results.claims.map((c: { id: string }) => c.id),
      ['003-catapult-toy'],
    );
    for (const f of results.claims[0].figures as string[]) assert.ok(existsSync(join(out, f)), f);
    assert.ok(existsSync(join(out, 'index.html')));
    const second = ntk(['reproduce', '003-catapult-toy', '--out', out, '--no-png']);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stderr, /003-catapult-toy: holds .*\(cached\)/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('`ntk reproduce` names bad arguments', () => {
  const bad = ntk(['reproduce', '999-nothing', '--out', join(tmpdir(), 'ntk-unused')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no experiment matches '999-nothing'; known ids: .*003-catapult-toy/);
  const preset = ntk(['reproduce', '--preset', 'huge']);
  assert.equal(preset.status, 1);
  assert.match(preset.stderr, /--preset must be 'quick' or 'paper', got 'huge'/);
  const list = ntk(['reproduce', '--list']);
  assert.equal(list.status, 0);
  assert.match(
    list.stdout,
    /^003-catapult-toy\t~[\d.]+ s quick, paper ≈ \d+ min \(≤ \d+ min\), \d+ MiB\tLewkowycz et al\. \(2020\), arXiv:2003\.02218 — the solvable two-layer linear model/m,
  );
  assert.match(list.stdout, /^001-ntk-convergence\t.*\tJacot, Gabriel & Hongler \(2018\), arXiv:1806\.07572 — Theorem 1:/m);
  assert.doesNotMatch(list.stdout, /\d{3}_[0-9a-f]{16}\.txt/);
});

test('`ntk reproduce --merge-from` adds a report folder\'s claims and says what it did; bad use is refused', () => {
  const [src, dst] = [mkdtempSync(join(tmpdir(), 'ntk-cli-')), mkdtempSync(join(tmpdir(), 'ntk-cli-'))];
  try {
    const run = ntk(['reproduce', '003-catapult-toy', '--preset', 'quick', '--out', src, '--no-png']);
    assert.equal(run.status, 0, run.stderr);
    const merged = ntk(['reproduce', '--merge-from', src, '--out', dst]);
    assert.equal(merged.status, 0, merged.stderr);
    assert.match(merged.stdout, /^added {4}003-catapult-toy from /m);
    assert.match(merged.stdout, /report: .*index\.html \(1 claims of preset quick\)/);
    const results = JSON.parse(readFileSync(join(dst, 'results.json'), 'utf8'));
    assert.deepEqual(
      results.claims.map((c: { id: string }) => c.id),
      ['003-catapult-toy'],
    );
    for (const f of results.claims[0].figures as string[]) assert.ok(existsSync(join(dst, f)), f);
    const again = ntk(['reproduce', '--merge-from', src, '--out', dst]);
    assert.match(again.stdout, /^kept {5}003-catapult-toy from .* \(not newer: /m);
    const ids = ntk(['reproduce', '003', '--merge-from', src, '--out', dst]);
    assert.equal(ids.status, 1);
    assert.match(ids.stderr, /--merge-from runs no experiment: give no ids, got '003'/);
    const which = ntk(['reproduce', '--merge-from', src, '--on-conflict', 'older', '--out', dst]);
    assert.equal(which.status, 1);
    assert.match(which.stderr, /--on-conflict must be newer \| source \| target, got 'older'/);
    const paper = ntk(['reproduce', '--merge-from', src, '--preset', 'paper', '--out', dst]);
    assert.equal(paper.status, 1);
    assert.match(paper.stderr, /has no results of preset 'paper'.*its results\.json is of preset 'quick'/);
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(dst, { recursive: true, force: true });
  }
});
