import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { Outcome } from '../experiments/runner.js';
import { PRESETS, type Preset } from '../experiments/types.js';
import { existsSync, readFileSync } from 'node:fs';
import { accumulateClaims, checkReportSeed, figureLinksOnDisk, readPresetResults } from './accumulate.js';
import { renderHtml, type FigureLink } from './html.js';
import { bundleKatexAssets } from './katex.js';
import { toJsonText } from './json-safe.js';
import { renderSvg, svgToPng } from './render-figure.js';
import { claimRecord, parseResultsFile, type ClaimRecord, type ResultsFile } from './results.js';
import { toVegaLite } from './vega-lite-spec.js';

/** Where a report goes and what its page shows besides its own claims. */
export interface PublishOptions {
  /** The report folder (e.g. 'report'); index.html and results.json go here, figures under figures/<id>/. */
  readonly outDir: string;
  /**
   * Results of the other presets, by preset, when no `results.<preset>.json` of an earlier run is in
   * outDir (e.g. paper → docs/results/paper/results.json, the committed paper run). Missing files: "not run".
   */
  readonly otherResults?: Partial<Record<Preset, string>>;
  /** The lab page relative to the report (claim links), or null for none. */
  readonly labBase?: string | null;
  /** Experiment ids in the registry's order: the report lists its claims so (others after, as first seen). */
  readonly order?: readonly string[];
}

export interface ReportOptions extends PublishOptions {
  readonly preset: Preset;
  readonly rootSeed: number;
  readonly codeVersion: string;
  /** Which linear-algebra backend ran (shown in the page header). */
  readonly backend: string;
  /** Write PNG copies of the figures (default true). */
  readonly png?: boolean;
}

export interface ReportFiles {
  readonly index: string;
  readonly results: string;
  /** Figures rendered by this call (none when only publishing claims already rendered). */
  readonly figures: number;
  /** The claims this run produced. */
  readonly claims: readonly ClaimRecord[];
  /** Every claim of the report: the earlier runs' of the preset in outDir with this run's put in. */
  readonly all: readonly ClaimRecord[];
}

/**
 * Render every figure (SVG, PNG copy, data JSON), then publish the claims (publishReport) — each file
 * atomically. A figure that fails to render is reported as an error on its claim, not a crash. Claims of
 * earlier runs of the preset in outDir stay in the report; a claim of this run replaces its earlier record.
 */
export async function writeReport(outcomes: readonly Outcome[], opts: ReportOptions): Promise<ReportFiles> {
  checkReportSeed(opts.outDir, opts.preset, opts.rootSeed);
  const run = { codeVersion: opts.codeVersion, generatedAt: new Date().toISOString(), backend: opts.backend };
  const claims: ClaimRecord[] = [];
  const links = new Map<string, FigureLink[]>();
  let count = 0;
  for (const o of outcomes) {
    const id = o.experiment.id;
    const figLinks: FigureLink[] = [];
    const errors: string[] = [];
    for (const fig of o.result?.figures ?? []) {
      const stem = `figures/${id}/${fig.id}`;
      try {
        const spec = toVegaLite(fig);
        const { svg, warnings } = await renderSvg(spec);
        writeFileAtomic(join(opts.outDir, `${stem}.svg`), svg);
        if (opts.png !== false) writeFileAtomic(join(opts.outDir, `${stem}.png`), svgToPng(svg));
        writeFileAtomic(
          join(opts.outDir, `${stem}.json`),
          toJsonText({ experiment: id, figure: fig.id, title: fig.title, caption: fig.caption, chart: fig.chart, data: fig.data, vegaLite: spec,
            warnings, }),
        );
        figLinks.push({ title: fig.title, caption: fig.caption, svg: `${stem}.svg`, png: `${stem}.png`, json: `${stem}.json` });
        count++;
      } catch (err) {
        errors.push(`figure '${fig.id}': ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (o.result?.data !== undefined) writeFileAtomic(join(opts.outDir, 'data', `${id}.json`), toJsonText(o.result.data));
    links.set(id, figLinks);
    claims.push(claimRecord(o, figLinks.map((f) => f.svg), errors, run));
  }
  const header = { preset: opts.preset, rootSeed: opts.rootSeed, ...run };
  const published = publishReport({ ...header, claims }, links, opts);
  return { ...published, figures: count, claims };
}

/**
 * Write results.json, results.<preset>.json and index.html of a report whose figure files are already in
 * outDir: the claims of `latest` put into those of the earlier runs of its preset there (accumulateClaims);
 * the top-level fields are `latest`'s. `links` gives the figures of `latest`'s claims; the others' are read
 * from their figure files.
 */
export function publishReport(
  latest: ResultsFile,
  links: ReadonlyMap<string, readonly FigureLink[]>,
  opts: PublishOptions,
): Omit<ReportFiles, 'figures' | 'claims'> {
  const earlier = readPresetResults(opts.outDir, latest.preset)?.results.claims ?? [];
  const all = accumulateClaims(earlier, latest.claims, opts.order);
  const results: ResultsFile = { ...latest, claims: all };
  const figures = new Map<string, readonly FigureLink[]>();
  for (const c of all) {
    const own = latest.claims.find((x) => x.id === c.id) === c ? links.get(c.id) : undefined;
    figures.set(c.id, own ?? figureLinksOnDisk(opts.outDir, c));
  }
  const resultsPath = join(opts.outDir, 'results.json');
  const indexPath = join(opts.outDir, 'index.html');
  writeFileAtomic(resultsPath, toJsonText(results));
  // Kept per preset too, so a later run at the other scale shows this one in its column, and a later run
  // of this preset keeps these claims.
  writeFileAtomic(join(opts.outDir, `results.${results.preset}.json`), toJsonText(results));
  const scales = new Map<Preset, ResultsFile>([[results.preset, results]]);
  for (const p of PRESETS) {
    if (p === results.preset) continue;
    // This folder's own results of that preset first, then the given file for the claims it lacks.
    const files = [join(opts.outDir, `results.${p}.json`), opts.otherResults?.[p]].filter(
      (f): f is string => f !== undefined && existsSync(f),
    );
    const read = files.map((f) => parseResultsFile(readFileSync(f, 'utf8'), f));
    if (read.length === 0) continue;
    const claims = [...read[0].claims];
    for (const r of read.slice(1))
      for (const c of r.claims) if (!claims.some((x) => x.id === c.id && x.verdict !== 'not-run')) claims.push(c);
    scales.set(p, { ...read[0], claims });
  }
  bundleKatexAssets(opts.outDir);
  writeFileAtomic(indexPath, renderHtml(results, figures, { scales, labBase: opts.labBase ?? null }));
  return { index: indexPath, results: resultsPath, all };
}
