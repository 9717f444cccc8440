import type { TopLevelSpec } from 'vega-lite';
import type { Channel, FigureSpec, Row } from '../experiments/types.js';

/** Plot size in pixels (one panel). */
const WIDTH = 440;
const HEIGHT = 270;
const PANEL_WIDTH = 230;
const PANEL_HEIGHT = 170;

type Obj = Record<string, unknown>;

/** Rows as Vega sees them: non-finite numbers become null (Vega-Lite drops invalid values from marks). */
export function plottableRows(rows: readonly Row[]): Row[] {
  return rows.map((r) => {
    const out: Record<string, Row[string]> = {};
    for (const [k, v] of Object.entries(r)) out[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    return out;
  });
}

function encodeChannel(c: Channel): Obj {
  const enc: Obj = { field: c.field, type: c.type ?? 'quantitative', title: c.title ?? c.field };
  const scale: Obj = {};
  // Axes fitted to the data: no forced zero on linear axes, and log axes end at the data's own range
  // instead of the enclosing powers of ten (which can leave most of the plot empty).
  if (c.scale !== undefined && c.scale !== 'linear') {
    scale.type = c.scale;
    if (c.scale === 'log') scale.nice = false;
  } else if ((c.type ?? 'quantitative') === 'quantitative') scale.zero = false;
  if (c.domain !== undefined) scale.domain = [...c.domain];
  if (Object.keys(scale).length > 0) enc.scale = scale;
  return enc;
}

/** A log axis cannot show values ≤ 0: drop those rows for that chart (and say so in no other way — the data JSON keeps them). */
function logFilters(channels: readonly (Channel | undefined)[]): Obj[] {
  return channels
    .filter((c): c is Channel => c !== undefined && c.scale === 'log')
    .map((c) => ({ filter: `isValid(datum['${c.field}']) && datum['${c.field}'] > 0` }));
}

/**
 * Translate the project's declarative ChartSpec (experiments/types.ts) into a Vega-Lite spec with
 * the data inlined. The experiment never sees Vega-Lite; only this function does.
 */
export function toVegaLite(fig: FigureSpec): TopLevelSpec {
  const c = fig.chart;
  const values = plottableRows(fig.data);
  const faceted = c.kind !== 'heatmap' && c.facet !== undefined;
  const size = faceted ? { width: PANEL_WIDTH, height: PANEL_HEIGHT } : { width: WIDTH, height: HEIGHT };
  let layers: Obj[];
  let transform: Obj[];
  if (c.kind === 'heatmap') {
    transform = logFilters([c.x, c.y, c.color]);
    layers = [
      {
        mark: { type: 'rect' },
        encoding: {
          x: { ...encodeChannel(c.x), type: c.x.type ?? 'ordinal' },
          y: { ...encodeChannel(c.y), type: c.y.type ?? 'ordinal' },
          color: { ...encodeChannel(c.color), scale: { scheme: 'viridis', ...(c.color.scale === 'log' ? { type: 'log' } : {}) } },
        },
      },
    ];
  } else {
    transform = logFilters([c.x, c.y]);
    const encoding: Obj = { x: encodeChannel(c.x), y: encodeChannel(c.y) };
    if (c.series !== undefined) encoding.color = { ...encodeChannel(c.series), type: c.series.type ?? 'nominal' };
    if (c.kind === 'bar') {
      if (c.series !== undefined) encoding.xOffset = { field: c.series.field, type: c.series.type ?? 'nominal' };
      encoding.x = { ...encodeChannel(c.x), type: c.x.type ?? 'ordinal' };
      layers = [{ mark: { type: 'bar' }, encoding }];
    } else {
      const mark =
        c.kind === 'scatter'
          ? { type: 'point', filled: true, size: 40 }
          : { type: 'line', point: c.kind === 'line-points', strokeWidth: 1.6 };
      layers = [{ mark, encoding }];
      for (const r of c.rules ?? []) {
        const pos = { datum: r.value, type: 'quantitative' };
        layers.push({
          mark: { type: 'rule', strokeDash: [5, 4], color: '#666' },
          encoding: r.axis === 'x' ? { x: pos } : { y: pos },
        });
        layers.push({
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 3, color: '#444', fontSize: 10 },
          encoding:
            r.axis === 'x'
              ? { x: pos, y: { value: 0 }, text: { value: r.label } }
              : { y: pos, x: { value: 0 }, text: { value: r.label } },
        });
      }
    }
  }
  const inner: Obj = { ...size, layer: layers };
  const body: Obj =
    c.kind !== 'heatmap' && c.facet !== undefined
      ? { facet: { ...encodeChannel(c.facet), type: c.facet.type ?? 'nominal' }, columns: 3, spec: inner }
      : inner;
  const spec: Obj = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: fig.title, anchor: 'start', fontSize: 13 },
    background: 'white',
    padding: 8,
    data: { values },
    ...(transform.length > 0 ? { transform } : {}),
    ...body,
    config: { font: 'DejaVu Sans, Arial, sans-serif', axis: { labelFontSize: 10, titleFontSize: 11 } },
  };
  return spec as unknown as TopLevelSpec;
}
