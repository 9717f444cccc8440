import { experimentKey } from '../runner.js';
import type { Config, Experiment, RunContext, RunResult } from '../types.js';
import { validateRunResult } from '../validate-result.js';

/** Run an experiment on a tiny config outside the runner (tests), with the runner's key for root seed 0. */
export async function runTinyConfig<C extends Config>(e: Experiment<C>, config: C): Promise<RunResult> {
  const ctx: RunContext = {
    key: experimentKey(0, e.id),
    preset: 'quick',
    signal: new AbortController().signal,
    checkpoint: async () => {
      await new Promise((r) => setImmediate(r));
    },
    progress: () => {},
  };
  const r = await e.run(config, ctx);
  validateRunResult(r, e.id, e.headline);
  return r;
}
