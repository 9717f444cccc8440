import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { works } from './bibliography.js';

/** docs/references.md (this file runs from dist/src/experiments/). */
const REFERENCES = fileURLToPath(new URL('../../../docs/references.md', import.meta.url));

test('docs/references.md has a BibTeX entry for every work, with the same year and arXiv id', () => {
  const md = readFileSync(REFERENCES, 'utf8');
  for (const w of works) {
    const start = md.indexOf(`{${w.key},`);
    assert.ok(start >= 0, `no BibTeX entry with key ${w.key}`);
    const entry = md.slice(start, md.indexOf('\n}', start));
    assert.match(entry, new RegExp(`year\\s*=\\s*\\{${w.year}\\}`), `${w.key}: year`);
    if (w.arxiv !== undefined) {
      assert.match(
        entry,
        new RegExp(`eprint\\s*=\\s*\\{${w.arxiv.replace('.', '\\.')}\\}`),
        `${w.key}: eprint`,
      );
      assert.ok(md.includes(`(https://arxiv.org/abs/${w.arxiv})`), `${w.key}: link in the bibliography list`);
    }
  }
});
