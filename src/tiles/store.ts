import { existsSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeStreamAtomic } from '../io/atomicWrite.js';
import { npyPieces, parseNpy } from '../io/npy.js';
import { Matrix } from '../linalg/matrix.js';
import type { Tile } from './grid.js';
import { sha256 } from './hash.js';

/**
 * Tiles on disk: tile i of a run folder is `tiles/t{i}.npy` (float64, rows × cols of its block) and its
 * record `tiles/t{i}.json` (checksum, size, timing, where it ran), written in that order, each atomically —
 * the record is the manifest of the tile, so a tile without a record, or whose bytes do not match the
 * record's checksum, is not done. A tile whose computation threw leaves `tiles/t{i}.failed.json`.
 */
const recordSchema = z.strictObject({
  index: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  cols: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  seconds: z.number().nonnegative(),
  finished: z.string(),
  host: z.string(),
  job: z.string().nullable(),
  peakRssBytes: z.number().nonnegative(),
});
export type TileRecord = z.infer<typeof recordSchema>;

/** A tile's state on disk: done (record and checksum match), pending, failed (an error was recorded) or corrupt. */
export type TileState = 'done' | 'pending' | 'failed' | 'corrupt';

const pad = (i: number): string => String(i).padStart(6, '0');
export const tilePath = (dir: string, i: number): string => join(dir, 'tiles', `t${pad(i)}.npy`);
const recordPath = (dir: string, i: number): string => join(dir, 'tiles', `t${pad(i)}.json`);
const failedPath = (dir: string, i: number): string => join(dir, 'tiles', `t${pad(i)}.failed.json`);

export function readRecord(dir: string, i: number): TileRecord | null {
  const p = recordPath(dir, i);
  if (!existsSync(p)) return null;
  try {
    return recordSchema.parse(JSON.parse(readFileSync(p, 'utf8')));
  } catch {
    return null;
  }
}

export function readFailure(dir: string, i: number): { error: string; finished: string } | null {
  const p = failedPath(dir, i);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as { error: string; finished: string };
  } catch {
    return { error: 'unreadable failure record', finished: '' };
  }
}

/**
 * The state of tile i: done (record, and the tile file of the recorded size — and checksum, with
 * `verify`), corrupt (a record whose file is missing, of the wrong size or checksum), failed (its last
 * computation threw) or pending.
 */
export function tileState(dir: string, t: Tile, verify: boolean): TileState {
  const rec = readRecord(dir, t.index);
  if (rec !== null) {
    const p = tilePath(dir, t.index);
    if (!existsSync(p) || statSync(p).size !== rec.bytes) return 'corrupt';
    if (verify && sha256(readFileSync(p)) !== rec.sha256) return 'corrupt';
    return 'done';
  }
  return readFailure(dir, t.index) !== null ? 'failed' : 'pending';
}

/**
 * Remove what an interrupted write of tile i left: the temporary files of the atomic writer whose
 * process (on this host) is gone, and a stale record/failure. Only files this code writes are touched.
 */
export function sweepTile(dir: string, i: number): void {
  const prefix = [`.t${pad(i)}.npy.`, `.t${pad(i)}.json.`];
  const folder = join(dir, 'tiles');
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.tmp') || !prefix.some((p) => name.startsWith(p))) continue;
    const pid = Number(name.split('.').at(-3));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) continue;
    try {
      unlinkSync(join(folder, name));
    } catch {
      // already gone
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Write tile i (the .npy, then its record), atomically each; a failure record of it is removed after.
 * Neither is fsync'd: a tile's integrity rests on its record's size and SHA-256, checked by every reader
 * (tiles run/submit before skipping a tile, merge, eig and the CG operator), so a tile that a crash of the
 * machine truncates or loses is found corrupt or pending and computed again, never used. Flushing every
 * 128 MB tile instead cost the N = 40000 bench (55 tiles of 4000²) 31 of its 84 s in one process, and more
 * when two array tasks on one node flushed at once.
 */
export function writeTile(
  dir: string,
  t: Tile,
  K: Matrix,
  info: { seconds: number; job: string | null; peakRssBytes: number },
): TileRecord {
  // streamed as header + data: a copy of the tile (128 MB at 4000²) would cost its allocation and page faults
  const pieces = npyPieces(K.data, [K.rows, K.cols]);
  writeStreamAtomic(tilePath(dir, t.index), (write) => pieces.forEach((piece) => write(piece)), {
    createDirs: false,
    label: `tile ${t.index}`,
    flush: false,
  });
  const rec: TileRecord = {
    index: t.index,
    rows: K.rows,
    cols: K.cols,
    bytes: pieces[0].length + pieces[1].length,
    sha256: sha256(...pieces),
    seconds: info.seconds,
    finished: new Date().toISOString(),
    host: hostname(),
    job: info.job,
    peakRssBytes: info.peakRssBytes,
  };
  writeFileAtomic(recordPath(dir, t.index), `${JSON.stringify(rec, null, 2)}\n`, {
    createDirs: false,
    label: `tile ${t.index}`,
    flush: false,
  });
  if (existsSync(failedPath(dir, t.index))) unlinkSync(failedPath(dir, t.index));
  return rec;
}

export function writeFailure(dir: string, t: Tile, error: string): void {
  writeFileAtomic(
    failedPath(dir, t.index),
    `${JSON.stringify({ index: t.index, error, finished: new Date().toISOString(), host: hostname() }, null, 2)}\n`,
    { createDirs: false, label: `tile ${t.index}` },
  );
}

/** Drop the record of a corrupt tile so it is recomputed (the record and tile were written by this code). */
export function forgetTile(dir: string, i: number): void {
  for (const p of [recordPath(dir, i), tilePath(dir, i)]) if (existsSync(p)) unlinkSync(p);
}

/** Tile i as a Matrix, its shape checked, and its bytes against the record's checksum unless `verify` is false. */
export function readTile(dir: string, t: Tile, verify = true): Matrix {
  const rec = readRecord(dir, t.index);
  if (rec === null)
    throw new Error(`tile ${t.index} of '${dir}' is not done (no record); run \`ntk tiles run ${dir}\``);
  const p = tilePath(dir, t.index);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(p);
  } catch (e) {
    throw new Error(
      `tile ${t.index}: cannot read '${p}' (${(e as Error).message}); rerun \`ntk tiles run ${dir}\``,
    );
  }
  if (verify && sha256(bytes) !== rec.sha256)
    throw new Error(
      `tile ${t.index}: '${p}' does not match its checksum (corrupt); rerun \`ntk tiles run ${dir}\``,
    );
  const a = parseNpy(bytes, p);
  const rows = t.r1 - t.r0;
  const cols = t.c1 - t.c0;
  if (a.shape.length !== 2 || a.shape[0] !== rows || a.shape[1] !== cols || !(a.data instanceof Float64Array))
    throw new Error(
      `tile ${t.index}: '${p}' has shape (${a.shape.join(', ')}), expected (${rows}, ${cols}) float64`,
    );
  return new Matrix(rows, cols, a.data);
}
