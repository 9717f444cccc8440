import type { EarlierVerdict, Outcome } from '../experiments/runner.js';
import type { Config, Metrics, Preset, Source } from '../experiments/types.js';
import { variedFields } from '../experiments/overrides.js';

/** The status shown for a claim: its verdict when it ran, else why there is none. */
export type ClaimVerdict = 'holds' | 'partial' | 'fails' | 'error' | 'not-run';

/** One row of results.json (id, source, claim, verdict, metrics, figures; the rest is context). */
export interface ClaimRecord {
  readonly id: string;
  /** The citation: authors, year, title, venue, arXiv id, link and `where` (section / theorem / equation). */
  readonly source: Source;
  readonly claim: string;
  /** The source's own words for the claim (a short quote). */
  readonly statement: string;
  /** TeX of the claim's central formula, or null. */
  readonly formula: string | null;
  readonly verdict: ClaimVerdict;
  /** The version of the verdict rule that decided `verdict` (rules are fixed before a run). */
  readonly ruleVersion: number;
  /** Verdicts of the rules used before `ruleVersion`, with why each was changed (empty: never changed). */
  readonly earlierVerdicts: readonly EarlierVerdict[];
  readonly metrics: Metrics;
  /** Paths relative to report/: the SVG of each figure (PNG and JSON sit beside it with the same stem). */
  readonly figures: readonly string[];
  readonly threshold: string;
  readonly reason: string;
  readonly headline: readonly string[];
  readonly preset: Preset;
  readonly config: Config;
  /** The settings of `config` varied from the preset's (`key=value`, `ntk reproduce --set`); absent: none. */
  readonly varied?: readonly string[];
  readonly status: Outcome['status'];
  readonly seconds: number | null;
  readonly error: string | null;
  /** The build that produced this record (claims of one report may come from runs of different builds). */
  readonly codeVersion: string;
  /** When the run that produced this record wrote its report (ISO 8601). */
  readonly generatedAt: string;
  /** The linear-algebra backend of that run. */
  readonly backend: string;
}

/** The fields of a run that each claim record carries too. */
export interface RunStamp {
  readonly codeVersion: string;
  readonly generatedAt: string;
  readonly backend: string;
}

export interface ResultsFile {
  readonly claims: readonly ClaimRecord[];
  readonly generatedAt: string;
  readonly preset: Preset;
  readonly rootSeed: number;
  readonly codeVersion: string;
  readonly backend: string;
}

/** The record for one outcome; `figures` are the SVG paths the report actually wrote. */
export function claimRecord(
  o: Outcome,
  figures: readonly string[],
  figureErrors: readonly string[],
  run: RunStamp,
): ClaimRecord {
  const e = o.experiment;
  const errors = [o.error, ...figureErrors].filter((x): x is string => x !== undefined);
  const varied = variedFields(e.presets[o.preset], o.config);
  const verdict: ClaimVerdict =
    o.status === 'not-run' ? 'not-run' : o.status === 'error' || o.verdict === undefined ? 'error' : o.verdict.verdict;
  return {
    id: e.id,
    source: e.source,
    claim: e.claim,
    statement: e.statement,
    formula: e.formula ?? null,
    verdict,
    ruleVersion: e.ruleVersion,
    earlierVerdicts: o.earlierVerdicts ?? [],
    metrics: o.result?.metrics ?? {},
    figures,
    threshold: o.verdict?.threshold ?? '',
    reason: o.verdict?.reason ?? (o.status === 'not-run' ? 'not run (interrupted or not reached)' : ''),
    headline: e.headline,
    preset: o.preset,
    config: o.config,
    ...(varied.length > 0 ? { varied } : {}),
    status: o.status,
    seconds: o.seconds ?? null,
    error: errors.length > 0 ? errors.join('; ') : null,
    codeVersion: run.codeVersion,
    generatedAt: run.generatedAt,
    backend: run.backend,
  };
}

/**
 * A results file read back; throws naming the file if malformed. A claim without its own `codeVersion`,
 * `generatedAt` or `backend` (files written before claims carried them) gets the file's top-level value.
 */
export function parseResultsFile(text: string, where: string): ResultsFile {
  let r: ResultsFile;
  try {
    r = JSON.parse(text) as ResultsFile;
  } catch (err) {
    throw new Error(`${where}: not a results file (${err instanceof Error ? err.message : String(err)})`);
  }
  if (
    r === null ||
    typeof r !== 'object' ||
    !Array.isArray(r.claims) ||
    typeof r.preset !== 'string' ||
    typeof r.rootSeed !== 'number' ||
    r.claims.some((c) => c === null || typeof c !== 'object' || typeof c.id !== 'string' || !Array.isArray(c.figures))
  ) {
    throw new Error(
      `${where}: not a results file (expected {"claims": [{"id": ..., "figures": [...]}, ...], "preset": ..., "rootSeed": ...})`,
    );
  }
  const claims = r.claims.map((c) => ({
    ...c,
    codeVersion: c.codeVersion ?? r.codeVersion,
    generatedAt: c.generatedAt ?? r.generatedAt,
    backend: c.backend ?? r.backend,
  }));
  return { ...r, claims };
}
