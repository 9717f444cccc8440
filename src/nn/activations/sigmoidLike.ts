import type { EntrywiseLayer } from '../entrywise.js';
import { erfActivation } from './erf.js';

/** The input scale of Sigmoid_like: the least-squares fit of ½·erf(x/w) + ½ to the logistic sigmoid on [−5, 5]. */
const SIGMOID_LIKE_WIDTH = 2.4020563531719796;

/**
 * Sigmoid_like: φ(x) = ½·erf(x/2.4020563531719796) + ½ (neural-tangents `stax.Sigmoid_like`), a logistic-sigmoid
 * look-alike with Erf's closed-form dual (./erf.ts, Williams 1997).
 */
export function SigmoidLike(): EntrywiseLayer {
  return erfActivation({ type: 'Sigmoid_like' }, 0.5, 1 / SIGMOID_LIKE_WIDTH, 0.5);
}
