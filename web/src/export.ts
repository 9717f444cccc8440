import { serializeNpy } from '../../src/io/npy.js';
import type { LabResult } from './compute/result.js';
import { NtkInputError } from '../../src/errors.js';

/** Save a blob under a file name (the browser's download). */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function saveSvg(name: string, svg: string): void {
  download(`${name}.svg`, svg, 'image/svg+xml');
}

/** Rasterize an SVG document at 2× and save it as PNG. */
export async function savePng(name: string, svg: string): Promise<void> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = 2 * img.width;
    canvas.height = 2 * img.height;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob>((res, rej) =>
      canvas.toBlob((b) => (b ? res(b) : rej(new Error('PNG encoding failed'))), 'image/png'),
    );
    download(`${name}.png`, blob, 'image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** One array of a result as a .npy file (float64, C order; byte-identical to numpy.save). */
export function saveNpy(name: string, result: LabResult, array: string): void {
  const a = result.arrays[array];
  if (!a)
    throw new NtkInputError(
      `no array '${array}' in this result; have ${Object.keys(result.arrays).join(', ')}`,
    );
  download(`${name}.${array}.npy`, serializeNpy(a.data, a.shape).slice().buffer, 'application/octet-stream');
}

/**
 * The whole result as JSON: parameters, backend, scalars and every array as { shape, data } (numbers in
 * JSON are the shortest round-trip form, so float64 values are exact; non-finite values become null).
 */
export function resultJson(
  view: string,
  params: Record<string, number | string>,
  backend: string,
  r: LabResult,
): string {
  const arrays: Record<string, { shape: readonly number[]; data: (number | null)[] }> = {};
  for (const [k, a] of Object.entries(r.arrays))
    arrays[k] = { shape: a.shape, data: Array.from(a.data, (v) => (Number.isFinite(v) ? v : null)) };
  const scalars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.scalars))
    scalars[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  return JSON.stringify({ view, params, backend, scalars, arrays });
}
