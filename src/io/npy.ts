/**
 * The NumPy `.npy` format, versions 1.0, 2.0 and 3.0 (NEP 1, "A simple file format for NumPy arrays";
 * numpy/lib/format.py): the magic "\x93NUMPY", a major/minor version byte pair, a little-endian header
 * length (uint16 in 1.0, uint32 in 2.0/3.0), a Python-literal dict header
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a newline,
 * then the raw C-order data. Browser-safe: bytes in, bytes out, no Node imports.
 */

export type NpyDtype = 'float64' | 'float32' | 'int32' | 'int64';
/** The typed array that holds an array's entries, by dtype (float64, float32, int32, int64). */
export type NpyData = Float64Array | Float32Array | Int32Array | BigInt64Array;

/** A parsed `.npy` array: shape, dtype and the C-order entries. */
export interface NpyArray {
  shape: number[];
  dtype: NpyDtype;
  data: NpyData;
  fortranOrder: false;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy ≥ 1.14 pads the header so that the data starts at a multiple of 64 bytes. */
const ARRAY_ALIGN = 64;
/** numpy ≥ 1.17 leaves room for the first axis to grow to 21 digits (format.py GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;

const DESCR: Record<NpyDtype, { code: string; size: number }> = {
  float64: { code: 'f8', size: 8 },
  float32: { code: 'f4', size: 4 },
  int32: { code: 'i4', size: 4 },
  int64: { code: 'i8', size: 8 },
};

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// The header: a Python dict literal with string keys and string / bool / int-tuple values.

type PyValue = string | boolean | number[];

/** Parse the header dict; `where` names the file in error messages. */
function parseHeaderDict(text: string, where: string): Map<string, PyValue> {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(
      `${where}: malformed .npy header (${what} at character ${i}): ${JSON.stringify(text.trim())}`,
    );
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const expect = (c: string): void => {
    ws();
    if (text[i] !== c) fail(`expected '${c}'`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const m = /^[0-9]+L?/.exec(text.slice(i));
    if (!m) fail('expected a non-negative integer');
    i += m![0].length;
    const v = Number(m![0].replace('L', ''));
    if (!Number.isSafeInteger(v)) fail(`shape entry ${m![0]} is too large`);
    return v;
  };
  const value = (): PyValue => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      ws();
      while (text[i] !== ')') {
        dims.push(int());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail("expected ',' or ')' in the shape tuple");
        ws();
      }
      i++;
      return dims;
    }
    return fail('expected a string, True, False or a tuple');
  };
  const dict = new Map<string, PyValue>();
  expect('{');
  ws();
  while (text[i] !== '}') {
    const k = str();
    expect(':');
    dict.set(k, value());
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail("expected ',' or '}'");
    ws();
    if (i >= text.length) fail("missing '}'");
  }
  i++;
  ws();
  if (i !== text.length) fail('trailing characters after the dict');
  return dict;
}

/** Map a descr string ('<f8', '|i4', '=f4', …) to a dtype; little-endian, '|' and '=' (taken as the little-endian platform numpy writes on) only. */
function dtypeFromDescr(descr: PyValue | undefined, where: string): NpyDtype {
  if (typeof descr !== 'string') {
    throw new Error(
      `${where}: .npy header 'descr' must be a dtype string such as '<f8', got ${JSON.stringify(descr)}`,
    );
  }
  const order = descr[0];
  const code = descr.slice(1);
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((d) => DESCR[d].code === code);
  if (order === '>' && dtype !== undefined) {
    throw new Error(
      `${where}: big-endian dtype '${descr}' is not supported; convert with arr.astype('<${code}') before numpy.save`,
    );
  }
  if (dtype === undefined || (order !== '<' && order !== '|' && order !== '=')) {
    throw new Error(
      `${where}: unsupported .npy dtype '${descr}'; supported are '<f8' (float64), '<f4' (float32), '<i4' (int32), '<i8' (int64)`,
    );
  }
  return dtype;
}

function checkShape(shape: readonly number[], where: string): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(
        `${where}: shape entries must be non-negative integers, got [${shape.join(', ')}]`,
      );
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size))
    throw new RangeError(`${where}: shape [${shape.join(', ')}] has too many elements`);
  return size;
}

/** Element bytes → typed array of `dtype` (copying, so the result is aligned and owns its memory). */
function decode(bytes: Uint8Array, dtype: NpyDtype, count: number): NpyData {
  const { size } = DESCR[dtype];
  // An explicit copy (Buffer.prototype.slice would return a view into Node's shared pool).
  const raw = new Uint8Array(count * size);
  raw.set(bytes.subarray(0, count * size));
  if (!HOST_LITTLE_ENDIAN) {
    for (let e = 0; e < raw.length; e += size) raw.subarray(e, e + size).reverse();
  }
  switch (dtype) {
    case 'float64':
      return new Float64Array(raw.buffer, 0, count);
    case 'float32':
      return new Float32Array(raw.buffer, 0, count);
    case 'int32':
      return new Int32Array(raw.buffer, 0, count);
    case 'int64':
      return new BigInt64Array(raw.buffer, 0, count);
  }
}

/**
 * Parse a `.npy` file's bytes. `name` (e.g. the path) is used in error messages. Throws on a bad magic
 * string, an unknown version, a malformed header, `fortran_order: True`, a big-endian or unsupported
 * dtype, or a data section of the wrong length.
 */
export function parseNpy(bytes: Uint8Array, name = '.npy data'): NpyArray {
  if (!(bytes instanceof Uint8Array))
    throw new TypeError(`parseNpy: bytes must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 10 || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new Error(`${name}: not a .npy file (missing the magic string "\\x93NUMPY" at the start)`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw new Error(`${name}: unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new Error(`${name}: truncated .npy header`);
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataStart = prefix + headerLen;
  if (dataStart > bytes.length) {
    throw new Error(
      `${name}: truncated .npy file (header claims ${headerLen} bytes, file has ${bytes.length - prefix})`,
    );
  }
  const headerBytes = bytes.subarray(prefix, dataStart);
  if (major < 3 && headerBytes.some((b) => b > 0x7f)) {
    throw new Error(
      `${name}: .npy version ${major}.0 header must be ASCII (non-ASCII headers need version 3.0)`,
    );
  }
  const header = new TextDecoder('utf-8').decode(headerBytes);
  const dict = parseHeaderDict(header, name);
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!dict.has(key))
      throw new Error(`${name}: .npy header has no '${key}' key: ${JSON.stringify(header.trim())}`);
  }
  const dtype = dtypeFromDescr(dict.get('descr'), name);
  const fortran = dict.get('fortran_order');
  if (fortran === true) {
    throw new Error(
      `${name}: fortran_order True is not supported; save a C-ordered array (numpy.ascontiguousarray)`,
    );
  }
  if (fortran !== false) throw new Error(`${name}: .npy header 'fortran_order' must be True or False`);
  const shapeValue = dict.get('shape');
  if (!Array.isArray(shapeValue)) throw new Error(`${name}: .npy header 'shape' must be a tuple of integers`);
  const count = checkShape(shapeValue, name);
  const expected = count * DESCR[dtype].size;
  const have = bytes.length - dataStart;
  if (have !== expected) {
    throw new Error(
      `${name}: .npy data section has ${have} bytes, expected ${expected} for shape (${shapeValue.join(', ')}) of ${dtype}`,
    );
  }
  return {
    shape: shapeValue,
    dtype,
    data: decode(bytes.subarray(dataStart), dtype, count),
    fortranOrder: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing.

function dtypeOfData(data: unknown): NpyDtype | null {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return null;
}

/** Convert `data` to a typed array of `dtype`, refusing values that the dtype cannot hold exactly (integers). */
function toDtype(data: NpyData | ArrayLike<number>, dtype: NpyDtype): NpyData {
  if (dtypeOfData(data) === dtype) return data as NpyData;
  const n = data.length;
  const at = (k: number): number => Number((data as ArrayLike<number | bigint>)[k]);
  switch (dtype) {
    case 'float64':
      return Float64Array.from({ length: n }, (_, k) => at(k));
    case 'float32':
      return Float32Array.from({ length: n }, (_, k) => at(k));
    case 'int32': {
      const out = new Int32Array(n);
      for (let k = 0; k < n; k++) {
        const v = at(k);
        if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
          throw new RangeError(`serializeNpy: data[${k}] = ${v} is not an int32`);
        }
        out[k] = v;
      }
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(n);
      for (let k = 0; k < n; k++) {
        const v = at(k);
        if (!Number.isSafeInteger(v)) {
          throw new RangeError(
            `serializeNpy: data[${k}] = ${v} is not an integer exactly representable as int64 from a number (|v| ≤ 2^53 − 1); pass a BigInt64Array`,
          );
        }
        out[k] = BigInt(v);
      }
      return out;
    }
  }
}

/** The header (magic, version, dict, padding) numpy 1.24 writes (format.py `_write_array_header` + `_wrap_header`), byte for byte. */
export function headerFor(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '<${DESCR[dtype].code}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const hlen = dict.length + 1; // + '\n'
  for (const [major, prefix, maxLen] of [
    [1, 10, 0xffff],
    [2, 12, 0xffffffff],
  ] as const) {
    const pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
    const total = hlen + pad;
    if (total > maxLen) continue;
    const out = new Uint8Array(prefix + total);
    out.set(MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const dv = new DataView(out.buffer);
    if (major === 1) dv.setUint16(8, total, true);
    else dv.setUint32(8, total, true);
    for (let k = 0; k < dict.length; k++) out[prefix + k] = dict.charCodeAt(k);
    out.fill(0x20, prefix + dict.length, out.length - 1);
    out[out.length - 1] = 0x0a;
    return out;
  }
  throw new RangeError(`serializeNpy: header for shape (${shape.join(', ')}) is too long`);
}

/** The header and the little-endian data of a typed array: a view of its bytes on a little-endian host, else a swapped copy. */
function pieces(typed: NpyData, shape: readonly number[], dt: NpyDtype): [Uint8Array, Uint8Array] {
  const size = DESCR[dt].size;
  const body = new Uint8Array(typed.buffer, typed.byteOffset, typed.length * size);
  if (HOST_LITTLE_ENDIAN) return [headerFor(dt, shape), body];
  const swapped = body.slice();
  for (let e = 0; e < swapped.length; e += size) swapped.subarray(e, e + size).reverse();
  return [headerFor(dt, shape), swapped];
}

/**
 * A float64 array as the two pieces of its `.npy` file, the header and the little-endian data, without copying
 * the data on a little-endian host (a big-endian one gets a byte-swapped copy): for writers that stream a large
 * array to disk, where serializeNpy's one buffer would double the memory.
 */
export function npyPieces(data: Float64Array, shape: readonly number[]): [Uint8Array, Uint8Array] {
  const count = checkShape(shape, 'npyPieces');
  if (data.length !== count)
    throw new RangeError(
      `npyPieces: data has ${data.length} elements but shape (${shape.join(', ')}) needs ${count}`,
    );
  return pieces(data, shape, 'float64');
}

/**
 * The `.npy` bytes of `data` with the given C-order `shape` (rank 0 is `[]`). The dtype defaults to
 * that of the typed array (number[] → float64); when given and different, the values are converted
 * (integers must be exact). Output is byte-identical to `numpy.save` of the same array.
 */
export function serializeNpy(
  data: NpyData | ArrayLike<number>,
  shape: readonly number[],
  dtype?: NpyDtype,
): Uint8Array {
  if (!Array.isArray(shape))
    throw new TypeError(`serializeNpy: shape must be an array of integers, got ${typeof shape}`);
  const count = checkShape(shape, 'serializeNpy');
  if (data === null || typeof data !== 'object' || typeof (data as ArrayLike<number>).length !== 'number') {
    throw new TypeError('serializeNpy: data must be a typed array or an array of numbers');
  }
  if (data.length !== count) {
    throw new RangeError(
      `serializeNpy: data has ${data.length} elements but shape (${shape.join(', ')}) needs ${count}`,
    );
  }
  if (dtype !== undefined && !(dtype in DESCR)) {
    throw new RangeError(
      `serializeNpy: dtype must be 'float64', 'float32', 'int32' or 'int64', got '${String(dtype)}'`,
    );
  }
  const dt = dtype ?? dtypeOfData(data) ?? 'float64';
  const [header, body] = pieces(toDtype(data, dt), shape, dt);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
