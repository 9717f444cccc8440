import type { LabParams, LabResult } from '../compute/result.js';

/** One control of a view; its value lives in the URL hash under `key`. */
export interface ControlSpec {
  readonly key: string;
  readonly label: string;
  readonly kind: 'number' | 'select' | 'text';
  readonly options?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  /** Draw a number control as a slider (with its value beside it). */
  readonly slider?: boolean;
  readonly default: number | string;
}

export interface Figure {
  readonly id: string;
  /** Drawn on demand, so the page can draw one figure per task. */
  readonly svg: () => string;
}

/** A lab view: controls, figures drawn from a computation's result, and the CLI command that reproduces it. */
export interface ViewDef {
  readonly name: string;
  readonly title: string;
  /** One paragraph: what the view shows and which paper/equation it follows. */
  readonly about: string;
  readonly controls: readonly ControlSpec[];
  figures(r: LabResult, p: LabParams): Figure[];
  /** Key numbers shown in the page, as [label, value] rows. */
  summary(r: LabResult, p: LabParams): [string, string][];
  /** Shell commands that give the same numbers with the `ntk` CLI (arrays from the data export). */
  cli(p: LabParams): string;
}

export const fmt = (v: number): string =>
  Number.isFinite(v) ? Number(v.toPrecision(8)).toString() : String(v);
