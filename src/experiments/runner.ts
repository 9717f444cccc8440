import { PRNGKey, foldIn } from '../random/keys.js';
import { fnv1a32 } from './json-codec.js';
import type { CacheKey, ResultCache } from './result-cache.js';
import type { Config, Experiment, Preset, RunResult, VerdictResult } from './types.js';
import { validateRunResult } from './validate-result.js';
import { applyOverrides } from './overrides.js';

/**
 * 'done': ran now; 'cached': result reused from the cache; 'error': run or verdict threw;
 * 'not-run': not started, or stopped by an interrupt before it finished.
 */
export type Status = 'done' | 'cached' | 'error' | 'not-run';

export interface Outcome {
  readonly experiment: Experiment;
  readonly preset: Preset;
  readonly config: Config;
  readonly status: Status;
  readonly result?: RunResult;
  readonly verdict?: VerdictResult;
  /** Wall time of the run that produced the result (for a cached result, the original run's). */
  readonly seconds?: number;
  readonly error?: string;
  /** The verdicts of the experiment's earlier rules on the same metrics (a rule changed after seeing numbers). */
  readonly earlierVerdicts?: readonly EarlierVerdict[];
}

/** An earlier rule's verdict, shown beside the current one with the reason the rule changed. */
export interface EarlierVerdict extends VerdictResult {
  readonly ruleVersion: number;
  readonly changeReason: string;
  readonly changedOn: string;
}

/** Hooks for showing progress (the CLI draws a bar; tests pass nothing). */
export interface RunReporter {
  start?(index: number, total: number, e: Experiment): void;
  progress?(index: number, total: number, e: Experiment, fraction: number, note?: string): void;
  finish?(index: number, total: number, outcome: Outcome): void;
}

export interface RunOptions {
  readonly preset: Preset;
  /** Root seed; experiment `id` gets the key foldIn(PRNGKey(rootSeed), fnv1a32(id)). Default 0. */
  readonly rootSeed?: number;
  /** Where finished runs are kept (e.g. `fileCache('report/.cache')`); undefined disables caching. */
  readonly cache?: ResultCache;
  /** Part of the cache key (see cache.ts `codeVersion`); required with a cache. */
  readonly codeVersion?: string;
  /** When true, ignore cached results (still writes new ones). */
  readonly fresh?: boolean;
  readonly signal?: AbortSignal;
  readonly reporter?: RunReporter;
  /** Settings varied from the preset (overrides.ts), `key → value text`; checked for every experiment before any runs. */
  readonly overrides?: Readonly<Record<string, string>>;
}

export interface RunSummary {
  readonly outcomes: readonly Outcome[];
  /** True when the signal stopped the run before every selected experiment finished. */
  readonly interrupted: boolean;
}

/** The PRNG key an experiment receives from the runner. */
export function experimentKey(rootSeed: number, id: string) {
  return foldIn(PRNGKey(rootSeed), fnv1a32(id));
}

/**
 * Run the experiments one after another with their preset config (with `overrides` in place). Finished results are cached
 * (keyed by id, preset, config, root seed and code version) so a rerun after an interrupt resumes.
 * On abort: the current experiment is stopped if it checks the signal (or allowed to finish if it
 * does not — its result is kept), the rest are marked 'not-run'.
 */
export async function runExperiments(
  experiments: readonly Experiment[],
  options: RunOptions,
): Promise<RunSummary> {
  const { preset, rootSeed = 0, cache, codeVersion, fresh = false, reporter } = options;
  const signal = options.signal ?? new AbortController().signal;
  if (preset !== 'quick' && preset !== 'paper') {
    throw new Error(`runExperiments: preset must be 'quick' or 'paper', got ${JSON.stringify(preset)}`);
  }
  if (cache !== undefined && (typeof codeVersion !== 'string' || codeVersion.length === 0)) {
    throw new Error('runExperiments: codeVersion (a non-empty string) is required with a cache');
  }
  const configs = experiments.map((e) =>
    options.overrides === undefined
      ? e.presets[preset]
      : applyOverrides(e, e.presets[preset], options.overrides),
  );
  const outcomes: Outcome[] = [];
  const total = experiments.length;
  for (let i = 0; i < total; i++) {
    const e = experiments[i];
    const config = configs[i];
    if (signal.aborted) {
      outcomes.push({ experiment: e, preset, config, status: 'not-run' });
      continue;
    }
    reporter?.start?.(i, total, e);
    const key: CacheKey = { id: e.id, preset, config, rootSeed, codeVersion: codeVersion ?? '' };
    const cached = cache !== undefined && !fresh ? cache.read(key) : undefined;
    let outcome: Outcome;
    if (cached) {
      outcome = decide(e, preset, config, 'cached', cached.result, cached.seconds);
    } else {
      const t0 = performance.now();
      try {
        const result = await e.run(config, {
          key: experimentKey(rootSeed, e.id),
          signal,
          checkpoint: async () => {
            await yieldToEventLoop();
            signal.throwIfAborted();
          },
          restore: () => (cache !== undefined && !fresh ? cache.readCheckpoint(key) : undefined),
          save: (state) => cache?.writeCheckpoint(key, state),
          progress: (fraction, note) => {
            if (!(fraction >= 0 && fraction <= 1)) {
              throw new Error(`${e.id}: progress fraction must be in [0, 1], got ${fraction}`);
            }
            reporter?.progress?.(i, total, e, fraction, note);
          },
        });
        validateRunResult(result, e.id, e.headline);
        const seconds = (performance.now() - t0) / 1000;
        outcome = decide(e, preset, config, 'done', result, seconds);
        if (cache !== undefined && outcome.status === 'done') {
          cache.write({ key, result, seconds, finishedAt: new Date().toISOString() });
          cache.clearCheckpoint(key);
        }
      } catch (err) {
        outcome = signal.aborted
          ? { experiment: e, preset, config, status: 'not-run', error: 'interrupted' }
          : { experiment: e, preset, config, status: 'error', error: errorText(err) };
      }
    }
    outcomes.push(outcome);
    reporter?.finish?.(i, total, outcome);
    await yieldToEventLoop(); // let a pending Ctrl-C arrive before the next experiment starts
  }
  const interrupted = outcomes.some((o) => o.status === 'not-run');
  return { outcomes, interrupted };
}

/** Apply the experiment's verdict rule to the metrics; a throwing rule makes the outcome an error. */
function decide(
  e: Experiment,
  preset: Preset,
  config: Config,
  status: 'done' | 'cached',
  result: RunResult,
  seconds: number,
): Outcome {
  try {
    const verdict = e.verdict(result.metrics);
    if (!['holds', 'partial', 'fails'].includes(verdict?.verdict)) {
      throw new Error(
        `${e.id}: verdict must be 'holds' | 'partial' | 'fails', got ${JSON.stringify(verdict?.verdict)}`,
      );
    }
    const earlierVerdicts = (e.earlierRules ?? []).map((r) => ({
      ...r.verdict(result.metrics),
      ruleVersion: r.version,
      changeReason: r.changeReason,
      changedOn: r.changedOn,
    }));
    return { experiment: e, preset, config, status, result, verdict, seconds, earlierVerdicts };
  } catch (err) {
    return {
      experiment: e,
      preset,
      config,
      status: 'error',
      result,
      seconds,
      error: `verdict: ${errorText(err)}`,
    };
  }
}

/** Resolve after pending I/O and signal callbacks have run (setImmediate runs after the poll phase). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
