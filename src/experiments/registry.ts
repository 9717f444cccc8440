import type { Config, Experiment, Json, Source } from './types.js';
import { PRESETS } from './types.js';

/** Lowercase letters, digits and '-', starting with the claim group's three-digit number: '003-catapult-toy'. */
const ID_PATTERN = /^\d{3}-[a-z0-9]+(-[a-z0-9]+)*$/;
const ARXIV_PATTERN = /^\d{4}\.\d{4,5}$/;

/** An ordered, validated set of experiments with unique ids. */
export interface Registry {
  readonly experiments: readonly Experiment[];
  get(id: string): Experiment | undefined;
}

/** Check one experiment against the contract of types.ts; throws naming the experiment and the field. */
export function validateExperiment(e: Experiment): void {
  const where = `experiment ${JSON.stringify((e as { id?: unknown }).id)}`;
  if (typeof e.id !== 'string' || !ID_PATTERN.test(e.id)) {
    throw new Error(`${where}: id must match ${ID_PATTERN} (e.g. '003-catapult-toy')`);
  }
  validateSource(e.source, `${where}: source`);
  if (typeof e.claim !== 'string' || e.claim.trim().length === 0) {
    throw new Error(`${where}: claim must be a non-empty string (the statement reproduced)`);
  }
  for (const p of PRESETS) {
    const c = e.presets?.[p];
    if (c === null || typeof c !== 'object' || Array.isArray(c)) {
      throw new Error(`${where}: presets.${p} must be a JSON object, got ${c === null ? 'null' : typeof c}`);
    }
    checkJson(c, `${where}: presets.${p}`);
    const s = e.expectedSeconds?.[p];
    if (typeof s !== 'number' || !(s > 0) || !Number.isFinite(s)) {
      throw new Error(
        `${where}: expectedSeconds.${p} must be a positive number of seconds, got ${String(s)}`,
      );
    }
  }
  if (typeof e.statement !== 'string' || e.statement.trim().length === 0) {
    throw new Error(`${where}: statement must be a non-empty string (the source's own words for the claim)`);
  }
  if (!Number.isInteger(e.ruleVersion) || e.ruleVersion < 1) {
    throw new Error(`${where}: ruleVersion must be an integer ≥ 1, got ${JSON.stringify(e.ruleVersion)}`);
  }
  for (const r of e.earlierRules ?? []) {
    if (!Number.isInteger(r.version) || r.version < 1 || r.version >= e.ruleVersion) {
      throw new Error(
        `${where}: an earlier rule's version must be an integer in [1, ruleVersion = ${e.ruleVersion}), got ${JSON.stringify(r.version)}`,
      );
    }
    if (
      typeof r.changeReason !== 'string' ||
      r.changeReason.trim().length === 0 ||
      typeof r.verdict !== 'function'
    ) {
      throw new Error(`${where}: earlier rule v${r.version} needs a changeReason and a verdict function`);
    }
  }
  if (typeof e.cost !== 'function') {
    throw new Error(`${where}: cost must be a function (config → { flop, bytes })`);
  }
  if (!Array.isArray(e.headline) || !e.headline.every((h) => typeof h === 'string')) {
    throw new Error(`${where}: headline must be an array of metric names`);
  }
  if (typeof e.run !== 'function' || typeof e.verdict !== 'function') {
    throw new Error(`${where}: run and verdict must be functions`);
  }
}

/** Check a claim's citation: authors, year, title, venue, link and the place in the work are all given. */
function validateSource(s: Source | undefined, where: string): void {
  if (s === null || typeof s !== 'object') {
    throw new Error(
      `${where} must be a citation object (cite(work, where) from bibliography.ts), got ${String(s)}`,
    );
  }
  const text = (field: 'key' | 'title' | 'venue' | 'url' | 'where') => {
    const v = s[field];
    if (typeof v !== 'string' || v.trim().length === 0) {
      throw new Error(`${where}.${field} must be a non-empty string, got ${JSON.stringify(v)}`);
    }
  };
  (['key', 'title', 'venue', 'url', 'where'] as const).forEach(text);
  if (
    !Array.isArray(s.authors) ||
    s.authors.length === 0 ||
    !s.authors.every((a) => typeof a === 'string' && a.length > 0)
  ) {
    throw new Error(`${where}.authors must be a non-empty array of names, got ${JSON.stringify(s.authors)}`);
  }
  if (!Number.isInteger(s.year) || s.year < 1900 || s.year > 2100) {
    throw new Error(`${where}.year must be a four-digit year, got ${JSON.stringify(s.year)}`);
  }
  if (s.arxiv !== undefined && !ARXIV_PATTERN.test(s.arxiv)) {
    throw new Error(`${where}.arxiv must be an identifier like '1806.07572', got ${JSON.stringify(s.arxiv)}`);
  }
  if (!/^https:\/\//.test(s.url)) {
    throw new Error(`${where}.url must be an https link, got ${JSON.stringify(s.url)}`);
  }
}

/** Throw unless `v` is plain JSON with finite numbers (configs are hashed and cached as JSON). */
function checkJson(v: unknown, where: string): asserts v is Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`${where}: numbers must be finite, got ${v}`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkJson(x, `${where}[${i}]`));
    return;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) checkJson(x, `${where}.${k}`);
    return;
  }
  throw new Error(
    `${where}: must be JSON (null, boolean, number, string, array, plain object), got ${typeof v}`,
  );
}

/** Build a registry; throws on an invalid experiment or a duplicate id. Order is kept (report order). */
export function createRegistry(experiments: readonly Experiment<Config>[]): Registry {
  const byId = new Map<string, Experiment>();
  for (const e of experiments) {
    validateExperiment(e);
    if (byId.has(e.id)) throw new Error(`createRegistry: duplicate experiment id '${e.id}'`);
    byId.set(e.id, e);
  }
  return { experiments: [...byId.values()], get: (id) => byId.get(id) };
}

/**
 * The experiments named by `ids` ('all', exact ids, or id prefixes such as '003' or '003-catapult'),
 * in registry order; throws naming any id that matches nothing.
 */
export function selectExperiments(registry: Registry, ids: readonly string[]): Experiment[] {
  if (ids.length === 0 || ids.includes('all')) return [...registry.experiments];
  const chosen = new Set<Experiment>();
  for (const id of ids) {
    const hits = registry.experiments.filter((e) => e.id.startsWith(id));
    if (hits.length === 0) {
      const known = registry.experiments.map((e) => e.id).join(', ') || '(none registered)';
      throw new Error(`reproduce: no experiment matches '${id}'; known ids: ${known}`);
    }
    for (const h of hits) chosen.add(h);
  }
  return registry.experiments.filter((e) => chosen.has(e));
}
