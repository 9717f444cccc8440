// The API reference builds: TypeDoc over the public modules (typedoc.config.mjs) with validation as
// errors, so a public export without TSDoc, a broken {@link} or a public type that is not exported fails.
// `--emit none`: the check only; `npm run docs` writes docs/api/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './project.testutil.js';

test('TypeDoc builds the API reference with no validation warning (every public export documented)', () => {
  const typedoc = join(REPO, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const r = spawnSync(process.execPath, [typedoc, '--options', 'typedoc.config.mjs', '--emit', 'none'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 600_000,
  });
  const out = (r.stdout + r.stderr).split('\n');
  const problems = out.filter((l) => /documentation|not included|failed to resolve|\[error\]/i.test(l));
  assert.deepEqual(problems, []);
  assert.equal(r.status, 0, out.slice(-20).join('\n'));
});
