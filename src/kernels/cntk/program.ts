import { isEntrywise, type EntrywiseLayer } from '../../nn/entrywise.js';
import type { DualMap } from '../../nn/kernelRecord.js';
import type { Layer } from '../../nn/types.js';

/**
 * The fused CNTK program: a network that is a chain of stride-1 Conv layers, per-position affine layers (Dense) and
 * entrywise activations on spatial records, then GlobalAvgPool (CNTK-GAP) or Flatten (CNTK-V), then entrywise
 * layers on the pooled scalar (a Dense readout, …), compiled into blocks "stencil + per-entry ops" for the
 * displacement-wise recursion of ./pairRecursion.ts (Arora et al. 2019, eqs. 7–9).
 */

/** Per-entry opcodes after a block's stencil. */
export const OP_AFFINE_NTK = 0;
export const OP_AFFINE_STANDARD = 1;
export const OP_RELU = 2;
export const OP_DUAL = 3;

export interface PointOp {
  readonly op: number;
  readonly w2: number;
  readonly b2: number;
  /** 'standard' Dense: the feature count before it and 1 if it has a bias. */
  readonly nIn: number;
  readonly one: number;
  readonly dual: DualMap | null;
  /** Index of the per-image variance array before this op (./imageVariances.ts). */
  readonly varIndex: number;
}

/** A stride-1 Conv: Σ' = W_std²·A[Σ] + b_std², Θ' = Σ' + W_std²·A[Θ] ('ntk') or C·|f|·A[Σ] + [bias] + W_std²·A[Θ]. */
export interface ConvStep {
  readonly fh: number;
  readonly fw: number;
  /** Zeros before / after along each axis (SAME: ⌊(f − 1)/2⌋ and the rest; VALID: none). */
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
  readonly w2: number;
  readonly b2: number;
  readonly inv: number;
  readonly isNtk: boolean;
  readonly one: number;
  readonly cIn: number;
  /** Index of the per-image variance array after the Conv (the self-pair's equal positions are pinned to it). */
  readonly varAfter: number;
}

export interface Block {
  readonly conv: ConvStep | null;
  readonly ops: readonly PointOp[];
  /** Spatial shape [h, w] before and after the block. */
  readonly hIn: number;
  readonly wIn: number;
  readonly hOut: number;
  readonly wOut: number;
}

export interface CntkProgram {
  readonly blocks: readonly Block[];
  /** The spatial leaf layers in order (for the per-image variances), and the spatial shape [h, w] before each. */
  readonly leaves: readonly Layer[];
  /** 'gap': GlobalAvgPool, 'flatten': Flatten. */
  readonly readout: 'gap' | 'flatten';
  /** Entrywise layers after the readout, with the feature count before each. */
  readonly tail: readonly EntrywiseLayer[];
  readonly tailChannels: Float64Array;
  /** Spatial shape [H, W] of the input (1-D: H = 1) and the channel count. */
  readonly H: number;
  readonly W: number;
  readonly C: number;
  /** Number of per-image variance arrays (one before every spatial leaf and one after the last). */
  readonly varCount: number;
  /** Largest padded buffer edge, for the scratch. */
  readonly bufH: number;
  readonly bufW: number;
}

function leavesOf(net: Layer, out: Layer[]): string | null {
  if (net.type === 'serial') {
    for (const c of net.children) {
      const why = leavesOf(c, out);
      if (why !== null) return why;
    }
    return null;
  }
  if (net.children.length > 0) return `it contains a ${net.type} combinator`;
  out.push(net);
  return null;
}

const allOnes = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.every((s) => s === 1));

/**
 * Compile `net` for inputs of spatial shape `spatial` ([H, W] or [L]) and C channels: the program, or the reason
 * (one line) why the fused path does not apply, in which case kernelFn takes the record-level path.
 */
export function compileCntk(net: Layer, spatial: readonly number[], C: number): CntkProgram | string {
  if (spatial.length !== 1 && spatial.length !== 2) return `inputs have ${spatial.length} spatial axes`;
  const all: Layer[] = [];
  const why = leavesOf(net, all);
  if (why !== null) return why;
  const H = spatial.length === 2 ? spatial[0] : 1;
  const W = spatial.length === 2 ? spatial[1] : spatial[0];
  let h = H;
  let w = W;
  let channels = C;
  let gaussian = false;
  let l = 0;
  const blocks: Block[] = [];
  const leaves: Layer[] = [];
  let bufH = H;
  let bufW = W;
  let cur: { conv: ConvStep | null; ops: PointOp[]; hIn: number; wIn: number } | null = null;
  const close = (): void => {
    if (cur !== null) blocks.push({ ...cur, hOut: h, wOut: w });
    cur = null;
  };
  for (; l < all.length; l++) {
    const layer = all[l];
    if (layer.type === 'GlobalAvgPool' || layer.type === 'Flatten') break;
    const varIndex = leaves.length;
    if (layer.type === 'Conv') {
      const cfg = layer.config as unknown as {
        filter: number[];
        padding: string;
        W_std: number;
        b_std: number | null;
        parameterization: string;
        strides?: unknown;
        dilation?: unknown;
      };
      if (!allOnes(cfg.strides) || !allOnes(cfg.dilation)) return 'a Conv has strides or dilation ≠ 1';
      if (cfg.padding !== 'SAME' && cfg.padding !== 'VALID') return `a Conv has padding ${cfg.padding}`;
      if (cfg.filter.length !== spatial.length) return 'a Conv filter rank differs from the input rank';
      const fh = spatial.length === 2 ? cfg.filter[0] : 1;
      const fw = spatial.length === 2 ? cfg.filter[1] : cfg.filter[0];
      if (cfg.padding === 'VALID' && (fh > h || fw > w))
        return 'a VALID Conv filter is larger than its input';
      const same = cfg.padding === 'SAME';
      const padTop = same ? Math.floor((fh - 1) / 2) : 0;
      const padLeft = same ? Math.floor((fw - 1) / 2) : 0;
      const padBottom = same ? fh - 1 - padTop : 0;
      const padRight = same ? fw - 1 - padLeft : 0;
      close();
      const hasBias = cfg.b_std !== null && cfg.b_std !== undefined;
      const conv: ConvStep = {
        fh,
        fw,
        padTop,
        padLeft,
        padBottom,
        padRight,
        w2: cfg.W_std * cfg.W_std,
        b2: hasBias ? cfg.b_std! * cfg.b_std! : 0,
        inv: 1 / (fh * fw),
        isNtk: cfg.parameterization !== 'standard',
        one: hasBias ? 1 : 0,
        cIn: channels,
        varAfter: varIndex + 1,
      };
      bufH = Math.max(bufH, h + fh - 1);
      bufW = Math.max(bufW, w + fw - 1);
      cur = { conv, ops: [], hIn: h, wIn: w };
      if (!same) {
        h = h - fh + 1;
        w = w - fw + 1;
      }
      channels = (layer as Layer & { channels: number }).channels;
      gaussian = true;
      leaves.push(layer);
      continue;
    }
    if (!isEntrywise(layer)) return `layer ${layer.type} has no fused form`;
    const e = layer.entrywise.perEntry;
    if (e === undefined) return `layer ${layer.type} has no per-entry kernel map`;
    if (e.kind === 'identity') continue;
    if (e.kind !== 'affine' && !gaussian) return 'a nonlinearity follows a non-affine layer';
    if (cur === null) cur = { conv: null, ops: [], hIn: h, wIn: w };
    const ops = (cur as { ops: PointOp[] }).ops;
    if (e.kind === 'affine') {
      ops.push({
        op: e.parameterization === 'ntk' ? OP_AFFINE_NTK : OP_AFFINE_STANDARD,
        w2: e.w2,
        b2: e.b2,
        nIn: channels,
        one: e.bias,
        dual: null,
        varIndex,
      });
      gaussian = true;
    } else {
      const relu = e.kind === 'abrelu' && e.a === 0 && e.b === 1;
      ops.push({ op: relu ? OP_RELU : OP_DUAL, w2: 0, b2: 0, nIn: 0, one: 0, dual: e.dual, varIndex });
      gaussian = false;
    }
    channels = layer.entrywise.channelsAfter(channels);
    leaves.push(layer);
  }
  close();
  if (l === all.length) return 'the network does not end in GlobalAvgPool or Flatten';
  const readout = all[l].type === 'GlobalAvgPool' ? 'gap' : 'flatten';
  if (readout === 'flatten') {
    gaussian = gaussian && h * w === 1;
    channels *= h * w;
  }
  const tail: EntrywiseLayer[] = [];
  const tailChannels: number[] = [];
  for (l++; l < all.length; l++) {
    const layer = all[l];
    if (!isEntrywise(layer)) return `layer ${layer.type} after the readout has no fused form`;
    const e = layer.entrywise.perEntry;
    if (e === undefined) return `layer ${layer.type} has no per-entry kernel map`;
    if (e.kind !== 'affine' && e.kind !== 'identity' && !gaussian)
      return 'a nonlinearity follows a non-affine layer';
    if (e.kind !== 'identity') gaussian = e.kind === 'affine';
    tailChannels.push(channels);
    channels = layer.entrywise.channelsAfter(channels);
    tail.push(layer);
  }
  return {
    blocks,
    leaves,
    readout,
    tail,
    tailChannels: Float64Array.from(tailChannels),
    H,
    W,
    C,
    varCount: leaves.length + 1,
    bufH,
    bufW,
  };
}
