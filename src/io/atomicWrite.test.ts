import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NtkInputError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';

/** The atomic writer's refusals, symlink and mode handling, and temp sweeping. */
function inTemp(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'ntk-atomic-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('refuses FIFOs, folders, devices and read-only files, leaving them as they were', () => {
  inTemp((dir) => {
    const fifo = join(dir, 'f');
    spawnSync('mkfifo', [fifo]);
    assert.throws(
      () => writeFileAtomic(fifo, 'x'),
      (e: unknown) => e instanceof NtkInputError && /is a FIFO/.test(e.message),
    );
    assert.ok(lstatSync(fifo).isFIFO());
    mkdirSync(join(dir, 'd'));
    assert.throws(() => writeFileAtomic(join(dir, 'd'), 'x'), /is a folder/);
    symlinkSync('/dev/full', join(dir, 'full'));
    assert.throws(() => writeFileAtomic(join(dir, 'full'), 'x'), /is a device/);
    assert.ok(statSync('/dev/full').isCharacterDevice());
    const ro = join(dir, 'ro');
    writeFileSync(ro, 'old');
    chmodSync(ro, 0o444);
    assert.throws(() => writeFileAtomic(ro, 'new'), /read-only \(mode 0444\)/);
    assert.equal(readFileSync(ro, 'utf8'), 'old');
    assert.equal(statSync(ro).mode & 0o777, 0o444);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
    );
  });
});

test('writes through a symlink to its target (the link stays) and keeps an existing file’s mode', () => {
  inTemp((dir) => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 't'), 'old');
    chmodSync(join(dir, 'real', 't'), 0o640);
    symlinkSync('real/t', join(dir, 'link'));
    writeFileAtomic(join(dir, 'link'), 'new');
    assert.ok(lstatSync(join(dir, 'link')).isSymbolicLink());
    assert.equal(readFileSync(join(dir, 'real', 't'), 'utf8'), 'new');
    assert.equal(statSync(join(dir, 'real', 't')).mode & 0o777, 0o640);
    // a dangling link: its target is created
    symlinkSync('real/u', join(dir, 'dangling'));
    writeFileAtomic(join(dir, 'dangling'), 'u');
    assert.equal(readFileSync(join(dir, 'real', 'u'), 'utf8'), 'u');
    assert.ok(lstatSync(join(dir, 'dangling')).isSymbolicLink());
  });
});

test("sweeps the stale temporaries of dead processes for the same target, not a live process's", () => {
  inTemp((dir) => {
    // a PID that is not running: the exit status of a finished child
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const dead = Number(child.stdout);
    const stale = `.out.npy.${dead}.0123456789ab.tmp`;
    const live = `.out.npy.${process.pid}.ba9876543210.tmp`;
    const other = `.other.npy.${dead}.0123456789ab.tmp`;
    for (const n of [stale, live, other]) writeFileSync(join(dir, n), 'partial');
    writeFileAtomic(join(dir, 'out.npy'), 'done');
    const left = readdirSync(dir).sort();
    assert.deepEqual(left, [live, other, 'out.npy'].sort());
  });
});

test('without the flush (flush: false) the write is still a rename of a whole temporary: same checks, no temp left', () => {
  inTemp((dir) => {
    const t = join(dir, 't.npy');
    writeFileSync(t, 'old');
    chmodSync(t, 0o600);
    writeFileAtomic(t, new Uint8Array([1, 2, 3]), { flush: false });
    assert.deepEqual([...readFileSync(t)], [1, 2, 3]);
    assert.equal(statSync(t).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['t.npy']);
    mkdirSync(join(dir, 'd'));
    assert.throws(() => writeFileAtomic(join(dir, 'd'), 'x', { flush: false }), NtkInputError);
  });
});
