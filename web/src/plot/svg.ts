/**
 * Small SVG figures for the lab (line/scatter plots on linear or log axes, heatmaps), as standalone SVG
 * documents so they can be saved as .svg or rasterized to .png as they are.
 */
export interface Series {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly color?: string;
  readonly dash?: boolean;
  readonly points?: boolean;
}

export interface PlotOptions {
  readonly title: string;
  readonly xlabel: string;
  readonly ylabel: string;
  readonly logx?: boolean;
  readonly logy?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

const NS = 'http://www.w3.org/2000/svg';
const MAX_POINTS = 600;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

function linearTicks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= 6) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step);
  // t = (first + i)·step, not t += step: a step below the rounding of |t| would never advance t
  for (let i = 0; i <= 10; i++) {
    const t = (first + i) * step;
    if (t > hi + 1e-12 * span) break;
    out.push(t);
  }
  return out;
}

/** Tick positions in axis units (log10 of the value on a log axis): whole decades, or finer within one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (!log || hi - lo < 2) return linearTicks(lo, hi);
  const out: number[] = [];
  const step = Math.max(1, Math.ceil((Math.floor(hi) - Math.ceil(lo) + 1) / 6));
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e += step) out.push(e);
  return out;
}

/** A line plot as an SVG document string; non-finite points (and ≤ 0 on log axes) are skipped. */
export function linePlot(series: readonly Series[], o: PlotOptions): string {
  const W = o.width ?? 440;
  const H = o.height ?? 300;
  const m = { l: 58, r: 12, t: 28, b: 42 };
  const tx = (v: number) => (o.logx ? Math.log10(v) : v);
  const ty = (v: number) => (o.logy ? Math.log10(v) : v);
  const ok = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!o.logx || x > 0) && (!o.logy || y > 0);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity; // prettier-ignore
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) continue;
      const a = tx(s.x[i]);
      const b = ty(s.y[i]);
      x0 = Math.min(x0, a);
      x1 = Math.max(x1, a);
      y0 = Math.min(y0, b);
      y1 = Math.max(y1, b); // prettier-ignore
    }
  }
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; } // prettier-ignore
  // a range within rounding of its magnitude (e.g. one eigenvalue at two nearby steps) is drawn as flat
  const flat = (lo: number, hi: number) => hi - lo <= 1e-9 * Math.max(Math.abs(lo), Math.abs(hi));
  if (flat(x0, x1)) x1 = x0 + 1;
  if (flat(y0, y1)) { y0 -= 0.5; y1 += 0.5; } // prettier-ignore
  const pad = 0.04 * (y1 - y0);
  y0 -= pad;
  y1 += pad;
  const px = (a: number) => m.l + ((a - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (b: number) => H - m.b - ((b - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(
    `<text x="${W / 2}" y="17" text-anchor="middle" font-size="13" font-weight="bold">${esc(o.title)}</text>`,
  );
  for (const t of ticks(x0, x1, !!o.logx)) {
    const X = px(t).toFixed(1);
    parts.push(`<line x1="${X}" x2="${X}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/>`);
    parts.push(
      `<text x="${X}" y="${H - m.b + 14}" text-anchor="middle" font-size="10">${o.logx ? fmt(10 ** t) : fmt(t)}</text>`,
    );
  }
  for (const t of ticks(y0, y1, !!o.logy)) {
    const Y = py(t).toFixed(1);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${Y}" y2="${Y}" stroke="#eee"/>`);
    parts.push(
      `<text x="${m.l - 4}" y="${Y}" dy="3" text-anchor="end" font-size="10">${o.logy ? fmt(10 ** t) : fmt(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
  );
  parts.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle" font-size="11">${esc(o.xlabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(13 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${esc(o.ylabel)}</text>`,
  );
  series.forEach((s, si) => {
    // At most ~MAX_POINTS vertices per series: every stride-th point (and the last).
    const stride = Math.max(1, Math.ceil(s.x.length / MAX_POINTS));
    const color = s.color ?? PALETTE[si % PALETTE.length];
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (
      let i = 0;
      i < s.x.length;
      i = i + stride >= s.x.length && i !== s.x.length - 1 ? s.x.length - 1 : i + stride
    ) {
      if (!ok(s.x[i], s.y[i])) { pen = false; continue; } // prettier-ignore
      const X = px(tx(s.x[i])).toFixed(1);
      const Y = py(ty(s.y[i])).toFixed(1);
      d += `${pen ? 'L' : 'M'}${X} ${Y}`;
      pen = true;
      if (s.points) dots.push(`<circle cx="${X}" cy="${Y}" r="2.5" fill="${color}"/>`);
    }
    if (!s.points || s.dash)
      parts.push(
        `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${s.dash ? ' stroke-dasharray="5 3"' : ''}/>`,
      );
    parts.push(...dots);
    const ly = m.t + 12 + 13 * si;
    parts.push(
      `<line x1="${W - m.r - 120}" x2="${W - m.r - 104}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dash ? ' stroke-dasharray="4 2"' : ''}/>`,
    );
    parts.push(`<text x="${W - m.r - 100}" y="${ly}" font-size="10">${esc(s.name)}</text>`);
  });
  return `<svg xmlns="${NS}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${parts.join('')}</svg>`;
}

/** Diverging-free sequential colour map (viridis-like, 5 stops, linear between them). */
function colour(t: number): [number, number, number] {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))) as [
    number,
    number,
    number,
  ];
}

/**
 * A heatmap of an n×n matrix as an SVG document (the matrix is drawn as an embedded raster of at most
 * 200×200 cells, each the value of the entry at its centre).
 */
export function heatmap(data: Float64Array, n: number, title: string): string {
  const R = Math.min(n, 200);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    lo = Math.min(lo, data[i]);
    hi = Math.max(hi, data[i]);
  }
  const canvas = document.createElement('canvas');
  canvas.width = R;
  canvas.height = R;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(R, R);
  for (let r = 0; r < R; r++) {
    const i = Math.floor(((r + 0.5) * n) / R);
    for (let c = 0; c < R; c++) {
      const j = Math.floor(((c + 0.5) * n) / R);
      const [a, b, g] = colour((data[i * n + j] - lo) / (hi - lo || 1));
      const k = 4 * (r * R + c);
      img.data[k] = a;
      img.data[k + 1] = b;
      img.data[k + 2] = g;
      img.data[k + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  const S = 260;
  const W = S + 80;
  const H = S + 40;
  const bar: string[] = [];
  for (let s = 0; s < 20; s++) {
    const [a, b, g] = colour(1 - s / 19);
    bar.push(
      `<rect x="${S + 20}" y="${28 + (s * S) / 20}" width="14" height="${S / 20 + 0.5}" fill="rgb(${a},${b},${g})"/>`,
    );
  }
  return (
    `<svg xmlns="${NS}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">` +
    `<rect width="${W}" height="${H}" fill="white"/>` +
    `<text x="${S / 2 + 8}" y="17" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>` +
    `<image x="8" y="28" width="${S}" height="${S}" preserveAspectRatio="none" style="image-rendering:pixelated" href="${canvas.toDataURL('image/png')}"/>` +
    bar.join('') +
    `<text x="${S + 38}" y="36" font-size="10">${fmt(hi)}</text>` +
    `<text x="${S + 38}" y="${S + 28}" font-size="10">${fmt(lo)}</text>` +
    `</svg>`
  );
}
