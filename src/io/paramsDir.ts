/**
 * Network parameters as a directory of `.npy` files, so NumPy / PyTorch can load them:
 * every parameterized leaf layer, in network order (depth-first), is numbered per layer type, and each
 * of its tensors goes to DIR/{type}{i}.{name}.npy — for Dense layers DIR/dense{i}.W.npy (shape in×out)
 * and DIR/dense{i}.b.npy (shape out). Values are the trainable parameters as stored in Params: for the
 * 'ntk' parameterization the raw N(0,1) draws before the W_std/√n_in scaling (docs/conventions.md §1).
 * Node only.
 */
import { mkdirSync, readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import type { Layer, Params, Tensor } from '../nn/types.js';
import { PRNGKey } from '../random/keys.js';
import { readNpy, writeNpy } from './npyFile.js';

interface FileEntry {
  /** File name inside the directory. */
  readonly file: string;
  /** The tensor of the parameter tree it holds. */
  readonly tensor: Tensor;
  /** Human-readable place in the network, for errors. */
  readonly where: string;
}

/** The files a network's parameters map to, in network order. */
function entries(net: Layer, params: Params): FileEntry[] {
  const out: FileEntry[] = [];
  const counters = new Map<string, number>();
  const walk = (layer: Layer, p: Params, path: string): void => {
    if (layer.children.length > 0) {
      if (!Array.isArray(p) || p.length !== layer.children.length) {
        throw new Error(
          `params${path}: expected a list of ${layer.children.length} parameter trees for the ${layer.type} layer`,
        );
      }
      layer.children.forEach((c, i) => walk(c, (p as readonly Params[])[i], `${path}[${i}]`));
      return;
    }
    const rec = p as { readonly [name: string]: Tensor };
    const names = Object.keys(rec);
    if (names.length === 0) return;
    const prefix = layer.type.toLowerCase();
    const i = counters.get(prefix) ?? 0;
    counters.set(prefix, i + 1);
    for (const name of names) {
      out.push({
        file: `${prefix}${i}.${name}.npy`,
        tensor: rec[name],
        where: `${layer.type} layer #${i} (params${path}.${name})`,
      });
    }
  };
  walk(net, params, '');
  return out;
}

const shapeStr = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/** File names of the parameter-directory scheme ({type}{i}.{name}.npy), ours or another model's. */
const PARAM_FILE_RE = /^([a-z]+)\d+\.[A-Za-z_]\w*\.npy$/;

/**
 * Write `params` of `net` into `dir` (created when missing): each file DIR/{type}{i}.{name}.npy is replaced
 * atomically (src/io/atomicWrite.ts) and nothing else in the folder is touched. A folder that already holds
 * parameter files of another model — names of the same scheme this model does not have, or files of this
 * model's names with other shapes — is refused unless `force` (then those files are removed, so the folder
 * reads back as this model).
 */
export function writeParamsDir(
  dir: string,
  net: Layer,
  params: Params,
  opts: { force?: boolean } = {},
): void {
  const target = resolve(dir);
  const files = entries(net, params);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new NtkInputError(`writeParamsDir: '${dir}' exists and is not a directory`);
  }
  mkdirSync(target, { recursive: true });
  const ours = new Map(files.map((f) => [f.file, f]));
  const foreign: string[] = [];
  for (const n of readdirSync(target)) {
    if (!PARAM_FILE_RE.test(n)) continue;
    const f = ours.get(n);
    if (f === undefined) {
      foreign.push(n);
      continue;
    }
    let shape: readonly number[] | null = null;
    try {
      shape = readNpy(join(target, n)).shape;
    } catch {
      shape = null;
    }
    if (
      shape === null ||
      shape.length !== f.tensor.shape.length ||
      shape.some((s, i) => s !== f.tensor.shape[i])
    )
      foreign.push(
        `${n} (shape ${shape === null ? 'unreadable' : shapeStr(shape)}, this model: ${shapeStr(f.tensor.shape)})`,
      );
  }
  if (foreign.length > 0 && !opts.force) {
    throw new NtkInputError(
      `writeParamsDir: '${dir}' holds parameter files of another model: ${foreign.sort().join(', ')}; ` +
        'choose another folder, or force (--force) to replace them',
    );
  }
  try {
    for (const f of files) writeNpy(join(target, f.file), f.tensor.data, f.tensor.shape, 'float64');
    for (const n of readdirSync(target))
      if (PARAM_FILE_RE.test(n) && !ours.has(n)) rmSync(join(target, n), { force: true });
  } catch (err) {
    if (err instanceof NtkInputError) throw err;
    throw new Error(
      `writeParamsDir: cannot write '${dir}': ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Read the parameters of `net` (for inputs of feature shape `inShape`) from `dir`. Every file the model
 * needs must exist with exactly the model's shape; files of the same naming scheme that the model does
 * not have (e.g. dense7.W.npy for a 3-layer model) are an error too, as they mean a different model.
 * float32/integer files are converted to float64.
 */
export function readParamsDir(dir: string, net: Layer, inShape: readonly number[]): Params {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`readParamsDir: '${dir}' is not a directory`);
  }
  // The model's parameter tree (shapes and structure); its values are replaced by the files'.
  const template = net.init(PRNGKey(0), inShape);
  const files = entries(net, template);
  const present = new Set(readdirSync(dir));
  const missing = files.filter((f) => !present.has(f.file));
  if (missing.length > 0) {
    throw new Error(
      `readParamsDir: '${dir}' lacks ${missing.map((f) => `${f.file} (${f.where}, shape ${shapeStr(f.tensor.shape)})`).join(', ')}`,
    );
  }
  const expected = new Set(files.map((f) => f.file));
  const prefixes = new Set(files.map((f) => f.file.replace(/\d+\..*$/, '')));
  const extra = [...present].filter(
    (n) => !expected.has(n) && PARAM_FILE_RE.test(n) && prefixes.has(n.replace(/\d+\..*$/, '')),
  );
  if (extra.length > 0) {
    throw new Error(
      `readParamsDir: '${dir}' has files the model has no parameters for: ${extra.sort().join(', ')} (a different model?)`,
    );
  }
  const values = new Map<Tensor, Float64Array>();
  for (const f of files) {
    const path = join(dir, f.file);
    const a = readNpy(path);
    const want = f.tensor.shape;
    if (a.shape.length !== want.length || a.shape.some((s, i) => s !== want[i])) {
      throw new Error(
        `readParamsDir: ${path} has shape ${shapeStr(a.shape)}, the model expects ${shapeStr(want)} for ${f.where}`,
      );
    }
    const data =
      a.data instanceof Float64Array
        ? a.data
        : Float64Array.from(a.data as ArrayLike<number | bigint>, Number);
    for (let k = 0; k < data.length; k++) {
      if (!Number.isFinite(data[k]))
        throw new Error(`readParamsDir: ${path} has a non-finite value ${data[k]} at flat index ${k}`);
    }
    values.set(f.tensor, data);
  }
  const rebuild = (p: Params): Params => {
    if (Array.isArray(p)) return (p as readonly Params[]).map(rebuild);
    const rec = p as { readonly [name: string]: Tensor };
    const out: { [name: string]: Tensor } = {};
    for (const name of Object.keys(rec))
      out[name] = { shape: rec[name].shape.slice(), data: values.get(rec[name])! };
    return out;
  };
  return rebuild(template);
}
