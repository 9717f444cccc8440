import { PRNGKey } from '../../random/keys.js';
import type { Config, Experiment, RunContext, RunResult } from '../types.js';
import { validateRunResult } from '../validate-result.js';
import { experimentKey } from '../runner.js';

/**
 * Run an experiment on a custom (tiny) config outside the runner, as the tests of seeds 003–004 do:
 * the key is the one the runner would give (root seed 0), and the result is checked against the
 * experiment contract (validateRunResult) before it is returned.
 */
export async function runTiny<C extends Config>(
  e: Experiment<C>,
  config: C,
  rootSeed = 0,
): Promise<RunResult> {
  const ctl = new AbortController();
  const ctx: RunContext = {
    key: rootSeed === 0 ? experimentKey(0, e.id) : PRNGKey(rootSeed),
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
