import type { RunResult } from './types.js';

const FIGURE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Field names are plain identifiers (Vega-Lite reads '.' and '[' in a field name as a path). */
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throw unless `r` has the shape of a RunResult: metrics, figures with unique ids, rows naming the charted fields. */
export function validateRunResult(r: RunResult, id: string, headline: readonly string[] = []): void {
  const where = `experiment '${id}' returned`;
  if (r === null || typeof r !== 'object')
    throw new Error(`${where} ${String(r)}, expected { metrics, figures }`);
  if (r.metrics === null || typeof r.metrics !== 'object' || Array.isArray(r.metrics)) {
    throw new Error(`${where} metrics that are not an object`);
  }
  for (const [k, v] of Object.entries(r.metrics)) {
    const ok =
      typeof v === 'number' ||
      typeof v === 'boolean' ||
      typeof v === 'string' ||
      (Array.isArray(v) && v.every((x) => typeof x === 'number'));
    if (!ok)
      throw new Error(
        `${where} metric '${k}' of unsupported type (number, boolean, string or number[] expected)`,
      );
  }
  for (const h of headline) {
    if (!(h in r.metrics)) throw new Error(`${where} no metric '${h}', which its headline names`);
  }
  if (!Array.isArray(r.figures)) throw new Error(`${where} figures that are not an array`);
  const seen = new Set<string>();
  for (const f of r.figures) {
    if (typeof f.id !== 'string' || !FIGURE_ID.test(f.id)) {
      throw new Error(
        `${where} a figure id ${JSON.stringify(f.id)}; expected lowercase letters, digits and '-'`,
      );
    }
    if (seen.has(f.id)) throw new Error(`${where} two figures with id '${f.id}'`);
    seen.add(f.id);
    if (!Array.isArray(f.data) || f.data.length === 0)
      throw new Error(`${where} figure '${f.id}' with no data rows`);
    const c = f.chart;
    const channels = [
      c.x,
      c.y,
      'series' in c ? c.series : undefined,
      'facet' in c ? c.facet : undefined,
      'color' in c ? c.color : undefined,
    ];
    for (const ch of channels) {
      if (ch !== undefined && !FIELD.test(ch.field)) {
        throw new Error(
          `${where} figure '${f.id}' with field name '${ch.field}'; expected an identifier ([A-Za-z_][A-Za-z0-9_]*)`,
        );
      }
      if (ch !== undefined && !f.data.some((row: object) => ch.field in row)) {
        throw new Error(`${where} figure '${f.id}' charting field '${ch.field}', which no data row has`);
      }
    }
  }
}
