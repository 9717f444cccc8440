import type { Key } from '../random/key.js';

/**
 * The experiment contract: one module per published claim. An experiment is a pure description —
 * a config with `quick` and `paper` presets, a `run` that measures, and a `verdict` that decides from the
 * measured numbers alone by a rule stated in words. No plotting and no file I/O inside an experiment:
 * it returns figure specs (data + a declarative chart) and the report renders them.
 */

/** A JSON value (configs must be JSON so that they hash stably and round-trip through the cache). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** An experiment's configuration: a JSON object (sizes, step counts, grids, tolerances). */
export type Config = { readonly [k: string]: Json };

/** One measured number (or a short vector / label). Non-finite numbers are allowed (e.g. a divergent loss). */
export type MetricValue = number | boolean | string | readonly number[];

export type Metrics = { readonly [name: string]: MetricValue };

/** quick: toy scale, minutes; paper: the scale the source states. */
export type Preset = 'quick' | 'paper';
export const PRESETS: readonly Preset[] = ['quick', 'paper'];

/** The three outcomes a claim can have, decided by `Experiment.verdict` from the metrics. */
export type Verdict = 'holds' | 'partial' | 'fails';

export interface VerdictResult {
  readonly verdict: Verdict;
  /** The stated rule, in words and with its constants, e.g. "holds if |c − 4| ≤ 0.05; partial if …". */
  readonly threshold: string;
  /** Why this verdict, quoting the measured numbers that decided it. */
  readonly reason: string;
}

/** One row of figure data: a flat record (long format, one observation per row). */
export type Row = { readonly [field: string]: number | string | boolean | null };

/** An axis / channel: a data field, its title and scale. */
export interface Channel {
  readonly field: string;
  readonly title?: string;
  /** 'quantitative' (default), 'ordinal' or 'nominal'. */
  readonly type?: 'quantitative' | 'ordinal' | 'nominal';
  readonly scale?: 'linear' | 'log' | 'symlog';
  /** Fixed domain (e.g. every phase name, so a category keeps its color across figures). */
  readonly domain?: readonly (string | number)[];
}

/** A reference line at a data value (e.g. η·λ₀ = 2), drawn across the plot with a label. */
export interface RuleMark {
  readonly axis: 'x' | 'y';
  readonly value: number;
  readonly label: string;
}

/**
 * A declarative chart over the figure's rows. The report turns it into Vega-Lite. `series` splits
 * rows into colored groups; `facet` (optional) makes one small panel per value of a field.
 */
export type ChartSpec =
  | {
      readonly kind: 'line' | 'scatter' | 'line-points';
      readonly x: Channel;
      readonly y: Channel;
      readonly series?: Channel;
      readonly facet?: Channel;
      readonly rules?: readonly RuleMark[];
    }
  | {
      readonly kind: 'bar';
      readonly x: Channel;
      readonly y: Channel;
      readonly series?: Channel;
      readonly facet?: Channel;
    }
  | {
      readonly kind: 'heatmap';
      readonly x: Channel;
      readonly y: Channel;
      readonly color: Channel;
    };

export interface FigureSpec {
  /** File stem: lowercase letters, digits and '-', unique within the experiment. */
  readonly id: string;
  readonly title: string;
  /** What the figure shows and how to read it (one or two sentences). */
  readonly caption: string;
  readonly data: readonly Row[];
  readonly chart: ChartSpec;
}

/** What `run` returns. `data` is optional extra JSON written beside the results (tables, raw traces). */
export interface RunResult {
  readonly metrics: Metrics;
  readonly figures: readonly FigureSpec[];
  readonly data?: Json;
}

/** What the runner hands to `run`. */
export interface RunContext {
  /** The experiment's own PRNG key: foldIn(PRNGKey(rootSeed), fnv1a32(id)). Derive every draw from it. */
  readonly key: Key;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /**
   * `await ctx.checkpoint()` between chunks of work (every ~0.1–1 s): yields to the event loop so that a
   * Ctrl-C can be seen at all (signals are delivered only when synchronous code yields), then throws if aborted.
   */
  checkpoint(): Promise<void>;
  /** Report progress within this experiment: fraction in [0, 1] and an optional short note. */
  progress(fraction: number, note?: string): void;
  /**
   * The state the last `save` of an unfinished run of this same experiment, preset, config, root seed and
   * code version stored (a run stopped by a signal or killed), or undefined: a long run resumes from it.
   */
  restore(): Json | undefined;
  /**
   * Store the run's state so far (training state, snapshots taken, RNG position — whatever `run` needs to
   * continue exactly as if it had not stopped), atomically, replacing the previous one. Cleared once the run
   * finishes. A no-op without a cache.
   */
  save(state: Json): void;
}

/** What running one config costs on the project's 2-core machine (see cost.ts for the rates). */
export interface CostEstimate {
  /** Floating-point operations, dominant terms (GEMMs, eigensolvers, kernel recursions). */
  readonly flop: number;
  /** Peak memory of the largest arrays held at once, bytes. */
  readonly bytes: number;
}

/**
 * A verdict rule that an experiment used before its current one (`ruleVersion`). A rule changed after
 * the numbers were seen keeps its old verdict visible beside the new one with the reason for the change.
 */
export interface EarlierRule {
  readonly version: number;
  /** Why the rule was replaced (what it measured that the claim does not say, …) and when (ISO date). */
  readonly changeReason: string;
  readonly changedOn: string;
  verdict(metrics: Metrics): VerdictResult;
}

/** A published work (src/experiments/bibliography.ts holds them; docs/references.md has their BibTeX). */
export interface Work {
  /** The BibTeX key in docs/references.md, e.g. 'jacot2018neural'. */
  readonly key: string;
  /** Full names, in the paper's order. */
  readonly authors: readonly string[];
  readonly year: number;
  readonly title: string;
  /** Journal, proceedings or 'arXiv preprint'. */
  readonly venue: string;
  /** arXiv identifier without the prefix, e.g. '1806.07572'. */
  readonly arxiv?: string;
  /** Where a reader finds the work (the arXiv abstract page when there is one). */
  readonly url: string;
}

/** Where a claim comes from: a work and the section / theorem / equation / figure of it the claim restates. */
export interface Source extends Work {
  readonly where: string;
}

export interface Experiment<C extends Config = Config> {
  /**
   * Stable id, e.g. '003-catapult-toy': lowercase letters, digits and '-'; starts with a three-digit group
   * number (the claims come in five groups, 000–004, one per topic; see docs/references.md).
   */
  readonly id: string;
  /** The published work the claim comes from, and where in it. */
  readonly source: Source;
  /** The statement being reproduced (quoted or closely paraphrased from the source). */
  readonly claim: string;
  /** The source's own statement of the claim, in its words (a short quote), shown beside the figures. */
  readonly statement: string;
  /** Optional TeX of the claim's central formula, rendered with KaTeX in the report. */
  readonly formula?: string;
  /**
   * quick: the fast suite (`npm start`); paper: the setup the source states (sizes, steps, depths), or the
   * setup of the paper it summarizes where the source gives no number (cited in the config's docs).
   */
  readonly presets: { readonly quick: C; readonly paper: C };
  /** Expected wall time on the project's 2-core machine, seconds, per preset (documentation). */
  readonly expectedSeconds: { readonly quick: number; readonly paper: number };
  /** Names of the metrics shown beside the verdict in the report's summary table (the main numbers). */
  readonly headline: readonly string[];
  /** Checks the config (throws NtkInputError naming the field) and estimates what running it costs. */
  cost(config: C): CostEstimate;
  run(config: C, ctx: RunContext): Promise<RunResult>;
  /**
   * The version of the rule `verdict` applies, fixed before the paper run. A changed rule gets a new
   * version and the old one goes into `earlierRules` (never loosened to make a claim hold).
   */
  readonly ruleVersion: number;
  /** Pure: decides from the metrics only (so breaking the numbers changes the verdict). */
  verdict(metrics: Metrics): VerdictResult;
  /** The rules used before `ruleVersion`, oldest first; their verdicts are reported beside the current one. */
  readonly earlierRules?: readonly EarlierRule[];
}
