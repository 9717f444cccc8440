import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NtkInputError } from '../errors.js';
import type { Preset } from '../experiments/types.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { readPresetResults } from './accumulate.js';
import { parseResultsFile, type ClaimRecord, type ResultsFile } from './results.js';
import { publishReport, type PublishOptions, type ReportFiles } from './write-report.js';

/** Which record a claim present in both folders keeps: the newer `generatedAt` (ties: the target's), the source's, or the target's. */
export type MergeConflict = 'newer' | 'source' | 'target';
export const MERGE_CONFLICTS: readonly MergeConflict[] = ['newer', 'source', 'target'];

export interface MergeOptions extends PublishOptions {
  readonly preset: Preset;
  readonly rootSeed: number;
  readonly onConflict?: MergeConflict;
}

/** What the merge did with one claim of a source folder. */
export interface MergeDecision {
  readonly id: string;
  readonly from: string;
  readonly action: 'added' | 'replaced' | 'kept';
  /** Why, for a claim present in both folders. */
  readonly why: string;
}

/** The files of a claim record: its figures (SVG, with the PNG and JSON beside them when present) and data/<id>.json. */
function claimFiles(dir: string, c: ClaimRecord): string[] {
  const stems = c.figures.map((f) => f.replace(/\.svg$/, ''));
  const files = [...c.figures, ...stems.flatMap((s) => [`${s}.png`, `${s}.json`]), `data/${c.id}.json`];
  return [...new Set(files)].filter((f) => existsSync(join(dir, f)));
}

/**
 * Add the claims of `preset` from other report folders to outDir, with their figure and data files, then
 * rewrite outDir's results.json, results.<preset>.json and index.html — without running any experiment.
 * A source must hold results of the same preset and root seed. A claim present in both keeps the record
 * `onConflict` chooses (default: the newer `generatedAt`); a record that did not run never replaces one
 * that did. Files are copied atomically; a file in outDir is replaced only when outDir's own record of
 * that claim names it (figures the report wrote); any other existing file is refused before anything is
 * copied.
 */
export function mergeReports(
  sources: readonly string[],
  opts: MergeOptions,
): { decisions: MergeDecision[]; files: Omit<ReportFiles, 'figures' | 'claims'> } {
  const outDir = resolve(opts.outDir);
  const onConflict = opts.onConflict ?? 'newer';
  const target = readPresetResults(outDir, opts.preset);
  if (target !== null && target.results.rootSeed !== opts.rootSeed) {
    throw new NtkInputError(
      `--out: ${target.file} holds ${opts.preset} results of root seed ${target.results.rootSeed}, got --seed ${opts.rootSeed}`,
    );
  }
  const chosen = new Map<string, { record: ClaimRecord; dir: string }>();
  for (const c of target?.results.claims ?? []) chosen.set(c.id, { record: c, dir: outDir });
  const decisions: MergeDecision[] = [];
  let latest: ResultsFile | null = target?.results ?? null;
  for (const src of sources) {
    const dir = resolve(src);
    if (dir === outDir) throw new NtkInputError(`--merge-from: '${src}' is the --out folder itself`);
    if (!existsSync(dir)) throw new NtkInputError(`--merge-from: '${src}' does not exist`);
    const found = readPresetResults(dir, opts.preset);
    if (found === null) {
      const latestFile = join(dir, 'results.json');
      const any = existsSync(latestFile)
        ? `its results.json is of preset '${parseResultsFile(readFileSync(latestFile, 'utf8'), latestFile).preset}'`
        : 'it has no results.json';
      throw new NtkInputError(
        `--merge-from: '${src}' has no results of preset '${opts.preset}' (results.${opts.preset}.json or a results.json of that preset); ${any}`,
      );
    }
    if (found.results.rootSeed !== opts.rootSeed) {
      throw new NtkInputError(
        `--merge-from: ${found.file} is of root seed ${found.results.rootSeed}, expected ${opts.rootSeed} (--seed)`,
      );
    }
    latest ??= found.results;
    for (const c of found.results.claims) {
      const have = chosen.get(c.id);
      if (have === undefined) {
        chosen.set(c.id, { record: c, dir });
        decisions.push({ id: c.id, from: src, action: 'added', why: '' });
        continue;
      }
      const h = have.record;
      let take: boolean;
      let why: string;
      if (c.verdict === 'not-run' && h.verdict !== 'not-run') {
        [take, why] = [false, 'not run in the source'];
      } else if (h.verdict === 'not-run' && c.verdict !== 'not-run') {
        [take, why] = [true, 'not run in the target'];
      } else if (onConflict === 'source') {
        [take, why] = [true, 'the source is preferred'];
      } else if (onConflict === 'target') {
        [take, why] = [false, 'the target is preferred'];
      } else {
        take = c.generatedAt > h.generatedAt;
        why = `${take ? 'newer' : 'not newer'}: ${c.generatedAt} against ${h.generatedAt}`;
      }
      if (take) chosen.set(c.id, { record: c, dir });
      decisions.push({ id: c.id, from: src, action: take ? 'replaced' : 'kept', why });
    }
  }
  if (latest === null) throw new NtkInputError('--merge-from: no source folder given');

  // Check every copy before making any: only files of outDir's own record of the claim may be replaced.
  const copies: { from: string; to: string }[] = [];
  for (const { record, dir } of chosen.values()) {
    if (dir === outDir) continue;
    const old = target?.results.claims.find((c) => c.id === record.id);
    const own = new Set(old === undefined ? [] : claimFiles(outDir, old));
    for (const f of claimFiles(dir, record)) {
      const to = join(outDir, f);
      if (existsSync(to) && !own.has(f)) {
        throw new NtkInputError(
          `--out: ${to} exists and is not a file of the report's record of ${record.id}; not overwritten (move it away, or merge into another --out)`,
        );
      }
      copies.push({ from: join(dir, f), to });
    }
  }
  for (const { from, to } of copies) writeFileAtomic(to, readFileSync(from));
  // The target's earlier records are rewritten by publishReport from its own results file; the chosen set
  // goes in as the latest claims so that source records replace target ones.
  const claims = [...chosen.values()].map((x) => x.record);
  const files = publishReport({ ...latest, claims }, new Map(), { ...opts, outDir });
  return { decisions, files };
}
