import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allExperiments } from '../experiments/all.js';
import { CLAIM_VIEWS, claimViewUrl } from './claimViews.js';

const VIEWS = ['kernel', 'training', 'catapult', 'frequency', 'cube'];

test('every claim with a lab view names a registered experiment and one of the five views', () => {
  const ids = new Set(allExperiments.map((e) => e.id));
  for (const [id, hash] of Object.entries(CLAIM_VIEWS)) {
    assert.ok(ids.has(id), `${id} is not a registered experiment`);
    const q = new URLSearchParams(hash.replace(/^#/, ''));
    assert.ok(VIEWS.includes(q.get('view') ?? ''), `${id}: ${hash} names no lab view`);
  }
  assert.equal(claimViewUrl('003-catapult-toy', 'lab/'), 'lab/' + CLAIM_VIEWS['003-catapult-toy']);
  assert.equal(claimViewUrl('002-cntk-digits', 'lab/'), null);
});
