// Prints the claims table of docs/experiments.md (Markdown) from a report's results.json, so the
// numbers in the docs come from a run, never typed by hand.
// Usage: node scripts/claims-table.js [report/results.json]
import { readFileSync } from 'node:fs';
import { shortCitation } from '../dist/src/experiments/citation.js';

const path = process.argv[2] ?? 'report/results.json';
const results = JSON.parse(readFileSync(path, 'utf8'));

const fmt = (v) => {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(3);
  if (Array.isArray(v)) return `[${v.map(fmt).join(', ')}]`;
  return String(v);
};

console.log(`Preset \`${results.preset}\`, root seed ${results.rootSeed}, backend ${results.backend}.\n`);
console.log('| id | source | verdict | main numbers | seconds |');
console.log('| --- | --- | --- | --- | --- |');
for (const c of results.claims) {
  const main = (c.headline ?? []).map((h) => `${h} = ${fmt(c.metrics[h])}`).join('; ');
  console.log(`| ${c.id} | ${shortCitation(c.source)} | ${c.verdict} | ${main} | ${fmt(c.seconds)} |`);
}
