import { NtkInputError } from '../errors.js';
import { serial } from './combinators/serial.js';
import { buildLayer, formatIssues, modelSchema } from './modelFile.js';
import { layerDescriptor } from './registry.js';
import type { Layer, LayerConfig, Parameterization } from './types.js';

/**
 * Model files: JSON `{"parameterization": "ntk", "inputShape": [10], "layers": [{"type": "Dense", "width": 512,
 * "W_std": 1.5, "b_std": 0.1}, {"type": "Relu"}, …]}` — `type` is the layer's name, hyper-parameters by name,
 * `"b_std": null` = no bias, combinators nest (`{"type": "serial", "layers": [...]}`, `{"type": "FanOut", "n": 2}`).
 * `inputShape` (optional) is the feature shape the model expects; inputs are checked against it.
 * Errors name the JSON path (e.g. `layers[2].W_std`).
 */
export interface ModelJson {
  readonly parameterization?: Parameterization;
  readonly inputShape?: readonly number[];
  readonly layers: readonly LayerConfig[];
}

/** A model file, validated: its JSON, parameterization, input shape and the network serial(...layers). */
export interface Model {
  readonly json: ModelJson;
  readonly parameterization: Parameterization;
  readonly inputShape: readonly number[] | null;
  /** serial(...layers) */
  readonly net: Layer;
}

/** Validate a parsed model object and build its network. */
export function modelFromJson(obj: unknown): Model {
  const parsed = modelSchema.safeParse(obj);
  if (!parsed.success) throw new NtkInputError(`invalid model: ${formatIssues(parsed.error, 'model')}`);
  const json = parsed.data as ModelJson;
  const parameterization = json.parameterization ?? 'ntk';
  const layers = json.layers.map((c, i) => buildLayer(c, `layers[${i}]`, parameterization));
  return { json, parameterization, inputShape: json.inputShape ?? null, net: serial(...layers) };
}

/** Read and build a model file (Node only: the fs module is reached at call time). */
export function loadModel(path: string): Model {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs)
    throw new Error('loadModel: needs Node.js (node:fs); in a browser use modelFromJson(JSON.parse(text))');
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`loadModel: cannot read model file '${path}': ${(e as Error).message}`);
  }
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new Error(`loadModel: '${path}' is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return modelFromJson(obj);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/**
 * A layer from its config (e.g. `layer.config`, as worker threads rebuild networks). Layers built in code keep
 * their own parameterization in their config; `parameterization` is the default for configs from model files.
 */
export function layerFromConfig(config: LayerConfig, parameterization: Parameterization = 'ntk'): Layer {
  return buildLayer(config, 'layer', parameterization);
}

/**
 * The same model with every hidden width set to W (Monte Carlo at width W): every layer with a registered
 * `widthKey` (Dense: width; convolutions: channels) except the last one in depth-first order, the readout,
 * whose width is the output dimension.
 */
export function withHiddenWidth(model: Model, W: number): Model {
  if (!Number.isInteger(W) || W < 1)
    throw new NtkInputError(`withHiddenWidth: W must be a positive integer, got ${W}`);
  const sites: { c: Record<string, unknown>; key: string }[] = [];
  const copy = (c: LayerConfig): LayerConfig => {
    const out: Record<string, unknown> = { ...c };
    const def = layerDescriptor(c.type);
    if (def?.childrenKey && Array.isArray(c[def.childrenKey]))
      out[def.childrenKey] = (c[def.childrenKey] as LayerConfig[]).map(copy);
    if (def?.widthKey && def.widthKey in c) sites.push({ c: out, key: def.widthKey });
    return out as LayerConfig;
  };
  const layers = model.json.layers.map(copy);
  // sites are pushed after children, so order them depth-first by a second walk:
  const ordered: { c: Record<string, unknown>; key: string }[] = [];
  const walk = (c: Record<string, unknown>): void => {
    const def = layerDescriptor(c.type as string);
    const s = sites.find((x) => x.c === c);
    if (s) ordered.push(s);
    if (def?.childrenKey && Array.isArray(c[def.childrenKey]))
      (c[def.childrenKey] as Record<string, unknown>[]).forEach(walk);
  };
  layers.forEach((l) => walk(l as Record<string, unknown>));
  ordered.slice(0, -1).forEach((s) => (s.c[s.key] = W));
  return modelFromJson({ ...model.json, layers });
}
