import { experimentKey } from '../runner.js';
import type { Config, Experiment, RunContext, RunResult } from '../types.js';
import { validateRunResult } from '../validate-result.js';

/**
 * Run an experiment on a custom (tiny) config outside the runner, as the experiment tests do:
 * the key is the one the runner would give for root seed 0, and the result is checked against the
 * experiment contract (validateRunResult) before it is returned.
 */
export async function runTiny<C extends Config>(e: Experiment<C>, config: C): Promise<RunResult> {
  const ctx: RunContext = {
    key: experimentKey(0, e.id),
    signal: new AbortController().signal,
    checkpoint: async () => {
      await new Promise((r) => setImmediate(r));
    },
    progress: () => {},
    restore: () => undefined,
    save: () => {},
  };
  const r = await e.run(config, ctx);
  validateRunResult(r, e.id, e.headline);
  return r;
}
