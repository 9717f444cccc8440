import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { FigureSpec, RunResult } from './types.js';
import { validateRunResult } from './validate-result.js';

const fig = (over: Partial<FigureSpec> = {}): FigureSpec => ({
  id: 'f',
  title: 't',
  caption: 'c',
  data: [{ x: 1, y: 2 }],
  chart: { kind: 'line', x: { field: 'x' }, y: { field: 'y' } },
  ...over,
});

test('run results that break the figure/metric contract are rejected with the problem named', () => {
  const ok: RunResult = { metrics: { a: 1, b: [1, 2], c: 'x', d: true }, figures: [fig()] };
  validateRunResult(ok, 'e', ['a']);
  assert.throws(
    () => validateRunResult({ ...ok, metrics: { a: { x: 1 } as never } }, 'e'),
    /metric 'a' of unsupported type/,
  );
  assert.throws(() => validateRunResult(ok, 'e', ['zz']), /no metric 'zz'/);
  assert.throws(
    () => validateRunResult({ ...ok, figures: [fig({ id: 'Bad id' })] }, 'e'),
    /figure id "Bad id"/,
  );
  assert.throws(() => validateRunResult({ ...ok, figures: [fig(), fig()] }, 'e'), /two figures with id 'f'/);
  assert.throws(
    () => validateRunResult({ ...ok, figures: [fig({ data: [] })] }, 'e'),
    /figure 'f' with no data rows/,
  );
  const missing = fig({ chart: { kind: 'line', x: { field: 'x' }, y: { field: 'q' } } });
  assert.throws(
    () => validateRunResult({ ...ok, figures: [missing] }, 'e'),
    /charting field 'q', which no data row has/,
  );
  const dotted = fig({ chart: { kind: 'line', x: { field: 'x' }, y: { field: 'a.b' } } });
  assert.throws(() => validateRunResult({ ...ok, figures: [dotted] }, 'e'), /field name 'a.b'/);
});

test('atomic writes replace the file and leave no temporary files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-atomic-'));
  try {
    const p = join(dir, 'sub', 'x.json');
    writeFileAtomic(p, 'one');
    writeFileAtomic(p, 'two');
    assert.equal(readFileSync(p, 'utf8'), 'two');
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['x.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
