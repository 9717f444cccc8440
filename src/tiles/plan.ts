import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { NtkInputError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { readNpy } from '../io/npyFile.js';
import { getBackend } from '../linalg/select.js';
import { loadModel } from '../nn/model.js';
import { sha256Dir, sha256File, tileCodeVersion } from './hash.js';
import { tileGrid, type Tile } from './grid.js';

/**
 * A tile plan (docs/conventions.md §5): the manifest `plan.json` of a run folder, naming everything a tile's numbers
 * depend on — the model file and the inputs by content hash, the kernel kind, the method (analytic
 * infinite-width kernelFn, or the empirical NTK of given parameters), the tile grid, the code version and
 * the linear-algebra backend. Every tile is computed against it and refused when any of them changed.
 */
const fileRef = z.strictObject({ path: z.string(), sha256: z.string() });
const inputRef = fileRef.extend({ shape: z.array(z.number().int().nonnegative()) });

/** The schema of a tile plan's manifest (`plan.json`): model, inputs by path and SHA-256, kernel kind, grid, code version. */
export const planSchema = z.strictObject({
  format: z.literal('ntk-lab tile plan'),
  version: z.literal(1),
  get: z.enum(['ntk', 'nngp']),
  method: z.enum(['analytic', 'empirical']),
  model: fileRef,
  x1: inputRef,
  x2: inputRef.nullable(),
  /** Empirical kernels: the parameter directory (hash of its files) or the seed of their initialization. */
  params: fileRef.nullable(),
  seed: z.number().int().nullable(),
  symmetric: z.boolean(),
  n1: z.number().int().nonnegative(),
  n2: z.number().int().nonnegative(),
  tile: z.number().int().positive(),
  tiles: z.number().int().nonnegative(),
  codeVersion: z.string(),
  backend: z.enum(['ts', 'blas', 'wasm']),
  created: z.string(),
});

/** A tile plan: the manifest `ntk tiles plan` writes and every tile run checks before it computes. */
export type TilePlan = z.infer<typeof planSchema>;

/** What a plan is made from: the model file, the inputs' `.npy` files, the kernel kind and the tile size. */
export interface PlanOptions {
  model: string;
  x1: string;
  x2?: string | null;
  get: 'ntk' | 'nngp';
  tile: number;
  method?: 'analytic' | 'empirical';
  params?: string | null;
  seed?: number | null;
}

export const PLAN_FILE = 'plan.json';

function inputShape(flag: string, path: string): number[] {
  const a = readNpy(path);
  if (a.shape.length < 2)
    throw new NtkInputError(`${flag} '${path}' must have shape (N, features…), got (${a.shape.join(', ')})`);
  return [...a.shape];
}

/** The plan for these options (inputs and model read and hashed now). */
export function makePlan(o: PlanOptions): TilePlan {
  if (!Number.isInteger(o.tile) || o.tile < 1)
    throw new NtkInputError(`--tile must be a positive integer, got ${o.tile}`);
  const method = o.method ?? 'analytic';
  if (method === 'empirical' && (o.params == null) === (o.seed == null))
    throw new NtkInputError('an empirical plan needs exactly one of --params DIR or --seed s');
  if (method === 'analytic' && (o.params != null || o.seed != null))
    throw new NtkInputError('--params / --seed belong to --empirical plans');
  const model = resolve(o.model);
  const net = loadModel(model); // refuse a bad model now, not in every tile
  const x1 = resolve(o.x1);
  const s1 = inputShape('--x1', x1);
  if (net.inputShape !== null && net.inputShape.join(',') !== s1.slice(1).join(','))
    throw new NtkInputError(
      `--x1 '${x1}' has features (${s1.slice(1).join(', ')}) but the model '${model}' expects inputShape [${net.inputShape.join(', ')}]`,
    );
  const x2 = o.x2 == null ? null : resolve(o.x2);
  const s2 = x2 === null ? null : inputShape('--x2', x2);
  if (s2 !== null && s2.slice(1).join(',') !== s1.slice(1).join(','))
    throw new NtkInputError(
      `--x2 '${x2}' has shape (${s2.join(', ')}) but --x1 '${x1}' has (${s1.join(', ')}); the feature shapes must agree`,
    );
  const n1 = s1[0];
  const n2 = s2 === null ? n1 : s2[0];
  const symmetric = x2 === null;
  return {
    format: 'ntk-lab tile plan',
    version: 1,
    get: o.get,
    method,
    model: { path: model, sha256: sha256File(model) },
    x1: { path: x1, sha256: sha256File(x1), shape: s1 },
    x2: x2 === null ? null : { path: x2, sha256: sha256File(x2), shape: s2! },
    params: o.params == null ? null : { path: resolve(o.params), sha256: sha256Dir(resolve(o.params)) },
    seed: o.seed ?? null,
    symmetric,
    n1,
    n2,
    tile: o.tile,
    tiles: tileGrid(n1, n2, o.tile, symmetric).length,
    codeVersion: tileCodeVersion(),
    backend: getBackend().name,
    created: new Date().toISOString(),
  };
}

/** What makes two plans the same computation (everything but the creation time). */
function identity(p: TilePlan): string {
  return JSON.stringify({ ...p, created: null });
}

/**
 * Write the plan into `dir` (created if missing). A folder that already holds the same plan is kept as
 * it is (so its finished tiles stay valid); one holding a different plan is refused.
 */
export function writePlan(dir: string, plan: TilePlan): { created: boolean } {
  const file = join(dir, PLAN_FILE);
  if (existsSync(file)) {
    const old = readPlan(dir);
    if (identity(old) === identity(plan)) return { created: false };
    throw new NtkInputError(
      `ntk tiles plan: '${dir}' already holds a different plan (${describeDifference(old, plan).join('; ')}); use a new --dir`,
    );
  }
  mkdirSync(join(dir, 'tiles'), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, { label: 'ntk tiles plan' });
  return { created: true };
}

/** Read and validate the plan of a run folder; a clear error when it is missing or malformed. */
export function readPlan(dir: string): TilePlan {
  const file = join(dir, PLAN_FILE);
  let obj: unknown;
  try {
    obj = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new NtkInputError(
      `'${dir}' is not a tile run folder: cannot read ${file} (${(e as Error).message}); make one with \`ntk tiles plan … --dir ${dir}\``,
    );
  }
  const r = planSchema.safeParse(obj);
  if (!r.success)
    throw new NtkInputError(
      `${file} is not a valid tile plan: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** The tiles of a plan, in index order (the upper triangle only for a symmetric kernel). */
export function planTiles(plan: TilePlan): Tile[] {
  return tileGrid(plan.n1, plan.n2, plan.tile, plan.symmetric);
}

function describeDifference(a: TilePlan, b: TilePlan): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof TilePlan)[]) {
    if (k !== 'created' && JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${k} differs`);
  }
  return out;
}

/**
 * Refuse to compute a tile of `plan` unless the model, inputs, parameters, code and backend are the ones it
 * was planned with; the message says which changed and what to do.
 */
export function checkPlanCurrent(plan: TilePlan, dir: string): void {
  const problems: string[] = [];
  const file = (what: string, ref: { path: string; sha256: string }, hash: (p: string) => string): void => {
    let now: string;
    try {
      now = hash(ref.path);
    } catch (e) {
      problems.push(`${what} '${ref.path}' cannot be read (${(e as Error).message})`);
      return;
    }
    if (now !== ref.sha256)
      problems.push(
        `${what} '${ref.path}' changed (sha256 ${now.slice(0, 12)}…, planned ${ref.sha256.slice(0, 12)}…)`,
      );
  };
  file('the model', plan.model, sha256File);
  file('the inputs --x1', plan.x1, sha256File);
  if (plan.x2) file('the inputs --x2', plan.x2, sha256File);
  if (plan.params) file('the parameters', plan.params, sha256Dir);
  const code = tileCodeVersion();
  if (code !== plan.codeVersion)
    problems.push(`the code version is ${code}, the plan was made with ${plan.codeVersion}`);
  const backend = getBackend().name;
  if (backend !== plan.backend)
    problems.push(
      `the linear-algebra backend is '${backend}', the plan was made with '${plan.backend}' (set NTK_BACKEND=${plan.backend})`,
    );
  if (problems.length > 0)
    throw new NtkInputError(
      `ntk tiles: refusing to compute tiles of '${dir}': ${problems.join('; ')}. Tiles of one kernel must come from the same inputs, model and code: make a new plan in a new folder`,
    );
}
