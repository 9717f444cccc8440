import type { Config, Experiment, RunContext, RunResult } from '../types.js';
import { validateRunResult } from '../validate-result.js';
import { experimentKey } from '../runner.js';

/** Run an experiment on a custom (tiny) config outside the runner, with the runner's key for root seed 0, and check the result contract. */
export async function runTiny<C extends Config>(e: Experiment<C>, config: C): Promise<RunResult> {
  const ctl = new AbortController();
  const ctx: RunContext = {
    key: experimentKey(0, e.id),
    preset: 'quick',
    signal: ctl.signal,
    checkpoint: async () => {
      await new Promise((r) => setImmediate(r));
    },
    progress: () => {},
  };
  const r = await e.run(config, ctx);
  validateRunResult(r, e.id, e.headline);
  return r;
}
