// Runs every compiled test file (dist/**/*.test.js) with Node's built-in test runner: two files at a time,
// then the browser lab's files (dist/web/test/) one at a time on an otherwise idle machine, since they hold
// the page's main-thread tasks to 100 ms of wall time, which a second test file's processes on a 2-core
// machine would stretch without the page doing more work.
// Usage: node scripts/test.js [substring ...]   — only the test files whose path contains one of the substrings.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = walk('dist', [])
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${JSON.stringify(filters)}; run \`npm run build\` first`);
  process.exit(1);
}
const alone = join('dist', 'web', 'test') + sep;
const groups = [
  { files: files.filter((f) => !f.startsWith(alone)), concurrency: 2 },
  { files: files.filter((f) => f.startsWith(alone)), concurrency: 1 },
].filter((g) => g.files.length > 0);
let status = 0;
for (const g of groups) {
  const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${g.concurrency}`, ...g.files], {
    stdio: 'inherit',
  });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
