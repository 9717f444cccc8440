/**
 * The browser lab's view for each claim of the reproduction suite: claim id → URL hash of the lab page
 * (web/, built to site/), for the HTML report to link a claim to the view that shows it happen. A claim
 * with no entry has no lab view (the CNTK on the digits, the S² experiment, the Hessian). The hashes use
 * the lab's parameter names; parameters not given take the view's defaults.
 */
export const CLAIM_VIEWS: Readonly<Record<string, string>> = {
  '000-target-alignment': '#view=training&inputs=line&kappa=2&opt=gd&steps=400',
  '000-first-order': '#view=training&inputs=line&kappa=1&width=512&opt=gd&steps=400',
  '000-depth': '#view=training&inputs=line&kappa=2&depth=4&opt=gd&steps=400',
  '000-optimizers': '#view=training&inputs=line&kappa=2&opt=adam&lr=0.005&steps=400',
  '000-output-span': '#view=training&inputs=circle&kappa=3&opt=gd&steps=400',
  '001-nngp-gaussian': '#view=kernel&inputs=circle&depth=2&empirical=0',
  '001-ntk-convergence': '#view=kernel&inputs=circle&n=32&depth=3&empirical=1&width=2048',
  '001-ntk-training': '#view=training&inputs=circle&kappa=2&width=1024&opt=gd&steps=400',
  '001-principal-components': '#view=training&inputs=circle&kappa=2&opt=gd&steps=1000',
  '001-early-stopping': '#view=training&inputs=line&kappa=4&opt=gd&steps=2000',
  '002-finite-width-error': '#view=kernel&inputs=circle&n=32&depth=2&empirical=1&width=4096',
  '002-trained-vs-ntk': '#view=training&inputs=line&kappa=1&width=1024&opt=gd&steps=400',
  '002-cube-spectra': '#view=cube&dim=32&get=ntk&depth=3&maxDepth=8',
  '002-max-learning-rate': '#view=catapult&model=relu&r=1.9&n=1000&points=16&steps=400',
  '003-catapult-toy': '#view=catapult&model=toy&r=3&n=1000&steps=400',
  '003-catapult-relu': '#view=catapult&model=relu&r=3&n=1000&points=16&steps=400',
  '003-lazy-training': '#view=catapult&model=relu&r=1&n=1000&points=16&steps=400',
  '004-eigenvalues': '#view=frequency&density=1,2,4&grid=1024&top=20',
  '004-local-frequency': '#view=frequency&density=1,4&grid=1024&top=20',
  '004-frequency-bias': '#view=frequency&density=1,2,4&kappaMax=12',
  '004-convergence-time': '#view=frequency&density=1,1&samples=400&kappaMax=16',
};

/** The lab URL of a claim, relative to the lab's base URL (e.g. 'lab/' beside the report), or null. */
export function claimViewUrl(claimId: string, labBase: string): string | null {
  const hash = CLAIM_VIEWS[claimId];
  return hash === undefined ? null : labBase + hash;
}
