import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NtkInputError } from '../errors.js';
import type { Preset } from '../experiments/types.js';
import type { FigureLink } from './html.js';
import { parseResultsFile, type ClaimRecord, type ResultsFile } from './results.js';

/**
 * A report folder accumulates the claims of every run of a preset: `results.<preset>.json` holds them all,
 * each record with the code version, time and backend of the run that produced it.
 */

/** The results of `preset` in a report folder: `results.<preset>.json`, else `results.json` when it is of that preset. */
export function readPresetResults(dir: string, preset: Preset): { file: string; results: ResultsFile } | null {
  const own = join(dir, `results.${preset}.json`);
  if (existsSync(own)) return { file: own, results: parseResultsFile(readFileSync(own, 'utf8'), own) };
  const latest = join(dir, 'results.json');
  if (!existsSync(latest)) return null;
  const results = parseResultsFile(readFileSync(latest, 'utf8'), latest);
  return results.preset === preset ? { file: latest, results } : null;
}

/** Refuse to add claims of root seed `rootSeed` to a folder whose results of `preset` have another seed. */
export function checkReportSeed(dir: string, preset: Preset, rootSeed: number): void {
  const earlier = readPresetResults(dir, preset);
  if (earlier !== null && earlier.results.rootSeed !== rootSeed) {
    throw new NtkInputError(
      `--seed: ${earlier.file} holds ${preset} results of root seed ${earlier.results.rootSeed}, got --seed ${rootSeed}; ` +
        `claims of different seeds are not combined in one report (use another --out, or --seed ${earlier.results.rootSeed})`,
    );
  }
}

/**
 * The claims of `earlier` with those of `later` put in: a claim of `later` replaces the earlier record of
 * its id, except that a record that did not run (an interrupted run) never replaces one that did. Ordered
 * as `order` (the registry's experiment ids); ids not in `order` follow in the order first seen.
 */
export function accumulateClaims(
  earlier: readonly ClaimRecord[],
  later: readonly ClaimRecord[],
  order: readonly string[] = [],
): ClaimRecord[] {
  const byId = new Map<string, ClaimRecord>(earlier.map((c) => [c.id, c]));
  for (const c of later) {
    const old = byId.get(c.id);
    if (old === undefined || c.verdict !== 'not-run' || old.verdict === 'not-run') byId.set(c.id, c);
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  const seen = [...byId.keys()];
  const key = (id: string) => rank.get(id) ?? order.length + seen.indexOf(id);
  return [...byId.values()].sort((a, b) => key(a.id) - key(b.id));
}

/** The figure links of a claim already in a report folder: title and caption from each figure's data JSON. */
export function figureLinksOnDisk(dir: string, c: ClaimRecord): FigureLink[] {
  return c.figures.map((svg) => {
    const stem = svg.replace(/\.svg$/, '');
    const json = `${stem}.json`;
    let title = svg;
    let caption = '';
    try {
      const spec = JSON.parse(readFileSync(join(dir, json), 'utf8')) as { title?: unknown; caption?: unknown };
      if (typeof spec.title === 'string') title = spec.title;
      if (typeof spec.caption === 'string') caption = spec.caption;
    } catch {
      // The data file is missing or unreadable: the figure is still shown, titled by its path.
    }
    return { title, caption, svg, png: `${stem}.png`, json };
  });
}
