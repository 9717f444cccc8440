import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { Matrix } from '../linalg/matrix.js';

/**
 * The 8×8 optical handwritten digits (Alpaydin & Kaynak, UCI, CC BY 4.0; the 1797-image set of
 * scikit-learn's `load_digits`), vendored in `data/digits/` with its attribution.
 */
export interface Digits {
  /** N × 64 pixel intensities 0–16, row-major 8×8 images (reshape to NHWC (N, 8, 8, 1) for CNNs). */
  readonly images: Matrix;
  /** N labels 0–9. */
  readonly labels: Int32Array;
}

const DEFAULT_PATH = fileURLToPath(new URL('../../../data/digits/digits.csv.gz', import.meta.url));

/** Load the digits from `path` (default: the vendored copy). */
export function loadDigits(path: string = DEFAULT_PATH): Digits {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const images = new Matrix(lines.length, 64);
  const labels = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const fields = line.split(',');
    if (fields.length !== 65) {
      throw new Error(
        `loadDigits: ${path} line ${i + 1} has ${fields.length} fields, expected 65 (64 pixels + label)`,
      );
    }
    for (let j = 0; j < 64; j++) images.data[i * 64 + j] = Number(fields[j]);
    labels[i] = Number(fields[64]);
  });
  return { images, labels };
}
