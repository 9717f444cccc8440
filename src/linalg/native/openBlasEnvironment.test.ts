/**
 * The OpenBLAS variables set before loading: the thread timeout 4 when the user left it unset or empty, theirs
 * standing otherwise; the core type exactly when chooseCoreType names one (a user's OPENBLAS_CORETYPE stands).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBlasEnvironment } from './openBlasEnvironment.cjs';
import { chooseCoreType } from './coreType.cjs';

test('OPENBLAS_THREAD_TIMEOUT is 4 when unset or empty, and a user-set one stands', () => {
  assert.equal(openBlasEnvironment({}).OPENBLAS_THREAD_TIMEOUT, '4');
  assert.equal(openBlasEnvironment({ OPENBLAS_THREAD_TIMEOUT: '' }).OPENBLAS_THREAD_TIMEOUT, '4');
  assert.equal('OPENBLAS_THREAD_TIMEOUT' in openBlasEnvironment({ OPENBLAS_THREAD_TIMEOUT: '28' }), false);
});

test("OPENBLAS_CORETYPE is set exactly when one is chosen, never over the user's", () => {
  assert.equal(openBlasEnvironment({}).OPENBLAS_CORETYPE, chooseCoreType({}) ?? undefined);
  assert.equal('OPENBLAS_CORETYPE' in openBlasEnvironment({ OPENBLAS_CORETYPE: 'Haswell' }), false);
});
