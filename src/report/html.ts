import { citationText, shortCitation } from '../experiments/citation.js';
import { PRESETS, type MetricValue, type Preset, type Source } from '../experiments/types.js';
import { claimViewUrl } from '../lab/claimViews.js';
import { renderTex } from './katex.js';
import type { ClaimRecord, ResultsFile } from './results.js';

/** What the page shows besides this run: the other scales' results and where the lab is. */
export interface PageOptions {
  /** The results of each preset (this run's included), by preset; a preset without results shows "not run". */
  readonly scales: ReadonlyMap<Preset, ResultsFile>;
  /** Where the lab page is, relative to the report (e.g. '../site/index.html'), or null for no links. */
  readonly labBase: string | null;
}

/** A rendered figure as the page links it (paths relative to report/). */
export interface FigureLink {
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
  readonly png: string;
  readonly json: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

/** A metric for display: 6 significant digits (the JSON files keep every digit). */
export function formatMetric(v: MetricValue | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(4);
    const short = Number(v.toPrecision(6));
    // Keep the zeros when rounding made a non-integer look like one (4.0000004 → '4.00000', not '4').
    return Number.isInteger(short) ? v.toPrecision(6) : String(short);
  }
  if (typeof v === 'boolean' || typeof v === 'string') return String(v);
  const shown = v.slice(0, 12).map((x) => formatMetric(x));
  return `[${shown.join(', ')}${v.length > 12 ? `, … (${v.length})` : ''}]`;
}

const CSS = `
body{font-family:system-ui,-apple-system,"DejaVu Sans",Arial,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}
h1{margin-bottom:.2rem}.meta{color:#666;font-size:.9rem}p.source{font-size:.9rem}cite{font-style:normal}
table{border-collapse:collapse;margin:.6rem 0}td,th{border:1px solid #ddd;padding:.3rem .55rem;text-align:left;vertical-align:top;font-size:.92rem}
th{background:#f4f4f4}.num{font-family:"DejaVu Sans Mono",monospace;white-space:nowrap}
.v{font-weight:600;padding:.1rem .5rem;border-radius:.6rem;white-space:nowrap}
.v-holds{background:#d8f3dc;color:#1b4332}.v-partial{background:#fff3bf;color:#7a5b00}.v-fails{background:#ffd6d6;color:#8a1c1c}
.v-error{background:#e9d5ff;color:#4c1d95}.v-not-run{background:#eee;color:#555}
section.claim{border-top:2px solid #ddd;margin-top:2rem;padding-top:.5rem}
blockquote{margin:.5rem 0;padding:.4rem .8rem;border-left:4px solid #bbb;background:#fafafa}
figure{display:inline-block;margin:.6rem 1rem .6rem 0;vertical-align:top;max-width:100%}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#444;max-width:520px}
.err{color:#8a1c1c;white-space:pre-wrap}.side{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}.statement{flex:0 1 300px;font-size:.92rem}.statement blockquote{font-style:italic}.figs{flex:1 1 540px}.formula{margin:.4rem 0;overflow-x:auto}td.scale{min-width:12rem}details{margin:.4rem 0}pre{background:#f7f7f7;padding:.5rem;overflow:auto}
`;

function badge(v: ClaimRecord['verdict']): string {
  return `<span class="v v-${v}" data-verdict="${v}">${v}</span>`;
}

/** Author–year, linked to the work. */
function sourceLink(s: Source): string {
  return `<a href="${escapeHtml(s.url)}">${escapeHtml(shortCitation(s))}</a>`;
}

/** The full reference, linked, and where in the work the claim comes from. */
function sourceCitation(s: Source): string {
  return `<cite><a href="${escapeHtml(s.url)}">${escapeHtml(citationText(s))}</a></cite> — ${escapeHtml(s.where)}`;
}

function headlineNumbers(c: ClaimRecord): string {
  return c.headline
    .map((h) => `${escapeHtml(h)} = <span class="num">${escapeHtml(formatMetric(c.metrics[h]))}</span>`)
    .join('<br>');
}

/** One scale's cell: its verdict and headline numbers, or "not run" when that preset has no result for the claim. */
function scaleCell(c: ClaimRecord | undefined, preset: Preset): string {
  if (c === undefined || c.verdict === 'not-run')
    return `<td class="scale" data-preset="${preset}">${badge('not-run')} <span class="meta">not run at ${preset} scale</span></td>`;
  return `<td class="scale" data-preset="${preset}">${badge(c.verdict)}<br>${headlineNumbers(c)}</td>`;
}

function earlierCell(c: ClaimRecord): string {
  if (c.earlierVerdicts.length === 0) return `<td>v${c.ruleVersion}</td>`;
  const old = c.earlierVerdicts
    .map((v) => `v${v.ruleVersion}: ${badge(v.verdict)} <span class="meta">(${escapeHtml(v.changeReason)})</span>`)
    .join('<br>');
  return `<td>v${c.ruleVersion}<br>${old}</td>`;
}

function labLink(id: string, labBase: string | null): string {
  const url = labBase === null ? null : claimViewUrl(id, labBase);
  return url === null ? '—' : `<a class="lab" href="${escapeHtml(url)}">lab view</a>`;
}

function summaryRow(c: ClaimRecord, page: PageOptions): string {
  const cells = PRESETS.map((p) => scaleCell(page.scales.get(p)?.claims.find((x) => x.id === c.id), p));
  return (
    `<tr data-claim-id="${escapeHtml(c.id)}"><td><a href="#${escapeHtml(c.id)}">${escapeHtml(c.id)}</a></td>` +
    `<td>${sourceLink(c.source)}</td><td>${escapeHtml(c.claim)}</td>${cells.join('')}${earlierCell(c)}<td>${labLink(c.id, page.labBase)}</td></tr>`
  );
}

/** The claim at the other scales: verdict, rule and reason, headline numbers. */
function otherScales(c: ClaimRecord, page: PageOptions): string {
  return PRESETS.filter((p) => p !== c.preset)
    .map((p) => {
      const o = page.scales.get(p)?.claims.find((x) => x.id === c.id);
      if (o === undefined || o.verdict === 'not-run')
        return `<p data-preset="${p}"><b>At ${p} scale:</b> ${badge('not-run')} not run.</p>`;
      return `<p data-preset="${p}"><b>At ${p} scale:</b> ${badge(o.verdict)} ${escapeHtml(o.reason)}<br>${headlineNumbers(o)}</p>`;
    })
    .join('\n');
}

/** The run of a claim, when it is not the run named in the page header (a claim kept from an earlier build). */
function claimRun(c: ClaimRecord, results: ResultsFile): string {
  if (c.codeVersion === results.codeVersion) return '';
  return ` · <span class="claim-run">code ${escapeHtml(c.codeVersion)}, run of ${escapeHtml(c.generatedAt)}, backend ${escapeHtml(c.backend)}</span>`;
}

function claimSection(c: ClaimRecord, figures: readonly FigureLink[], page: PageOptions, results: ResultsFile): string {
  const metrics = Object.entries(c.metrics)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${escapeHtml(formatMetric(v))}</td></tr>`)
    .join('');
  const figs = figures
    .map(
      (f) =>
        `<figure><img class="figure" src="${escapeHtml(f.svg)}" alt="${escapeHtml(f.title)}">` +
        `<figcaption>${escapeHtml(f.caption)} <a href="${escapeHtml(f.png)}">PNG</a> · <a href="${escapeHtml(f.json)}">data</a></figcaption></figure>`,
    )
    .join('\n');
  const earlier =
    c.earlierVerdicts.length === 0
      ? ''
      : `<table class="earlier"><tr><th>rule</th><th>verdict</th><th>reason</th><th>why the rule changed</th></tr>${c.earlierVerdicts
          .map(
            (v) =>
              `<tr><td>v${v.ruleVersion}</td><td>${badge(v.verdict)}</td><td>${escapeHtml(v.reason)}</td><td>${escapeHtml(v.changeReason)} (${escapeHtml(v.changedOn)})</td></tr>`,
          )
          .join('')}</table>`;
  const time = c.seconds === null ? '' : ` · ${c.seconds.toFixed(1)} s${c.status === 'cached' ? ' (cached)' : ''}`;
  return `<section class="claim" id="${escapeHtml(c.id)}">
<h2>${escapeHtml(c.id)} ${badge(c.verdict)}</h2>
<p class="meta">preset ${escapeHtml(c.preset)}${time}${claimRun(c, results)} · ${labLink(c.id, page.labBase)}</p>
<p class="source"><b>Source:</b> ${sourceCitation(c.source)}</p>
<p class="claim-text">${escapeHtml(c.claim)}</p>
${c.varied && c.varied.length > 0 ? `<p class="err"><b>Varied from the ${escapeHtml(c.preset)} preset:</b> ${escapeHtml(c.varied.join(', '))}</p>` : ''}
${c.threshold ? `<p><b>Rule v${c.ruleVersion}:</b> ${escapeHtml(c.threshold)}</p>` : ''}
${c.reason ? `<p><b>Verdict:</b> ${escapeHtml(c.reason)}</p>` : ''}
${c.error ? `<p class="err"><b>Error:</b> ${escapeHtml(c.error)}</p>` : ''}
${earlier}
${otherScales(c, page)}
<div class="side"><div class="statement"><b>In the source's words</b><blockquote>${escapeHtml(c.statement)}</blockquote>
${c.formula ? `<div class="formula">${renderTex(c.formula)}</div>` : ''}</div>
<div class="figs">${figs}</div></div>
${metrics ? `<table class="metrics"><tr><th>metric</th><th>value</th></tr>${metrics}</table>` : ''}
<details><summary>config</summary><pre>${escapeHtml(JSON.stringify(c.config, null, 2))}</pre></details>
</section>`;
}

/** How many claims of a scale come from other builds than its latest run. */
function otherBuilds(r: ResultsFile): string {
  const n = r.claims.filter((c) => c.codeVersion !== r.codeVersion).length;
  return n === 0 ? '' : ` (${n} of ${r.claims.length} claims from other builds)`;
}

/** Which run each scale's column comes from. */
function scaleNote(page: PageOptions): string {
  return PRESETS.map((p) => {
    const r = page.scales.get(p);
    return r === undefined
      ? `${p}: no results`
      : `${p}: run of ${escapeHtml(r.generatedAt)}, backend ${escapeHtml(r.backend)}, code ${escapeHtml(r.codeVersion.slice(0, 12))}${otherBuilds(r)}`;
  }).join(' · ');
}

/** The report page: self-contained HTML (inline CSS, KaTeX's stylesheet and fonts bundled beside it, no scripts), figures as relative <img> links, so it opens from disk. */
export function renderHtml(
  results: ResultsFile,
  figures: ReadonlyMap<string, readonly FigureLink[]>,
  page: PageOptions = { scales: new Map([[results.preset, results]]), labBase: null },
): string {
  const counts = (['holds', 'partial', 'fails', 'error', 'not-run'] as const)
    .map((v) => [v, results.claims.filter((c) => c.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ntk-lab — reproduction report</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="katex/katex.min.css"><style>${CSS}</style></head>
<body>
<h1>ntk-lab — reproduction of published NTK claims</h1>
<p class="meta">preset <b>${escapeHtml(results.preset)}</b> · root seed ${results.rootSeed} · backend ${escapeHtml(results.backend)} · code ${escapeHtml(results.codeVersion)} · ${escapeHtml(results.generatedAt)} · ${escapeHtml(counts || 'no claims')}</p>
<p class="meta">Every number on this page comes from <a href="results.json">results.json</a>; each verdict is computed from the metrics by the rule shown with it.</p>
<h2>Summary</h2>
<p class="meta">One row per claim at both scales: <b>quick</b> (toy sizes, minutes) and <b>paper</b> (the sizes the source states). ${scaleNote(page)}</p>
<table id="summary"><tr><th>id</th><th>source</th><th>claim</th>${PRESETS.map((p) => `<th>${p}: verdict, main numbers</th>`).join('')}<th>rule (earlier)</th><th>lab</th></tr>
${results.claims.map((c) => summaryRow(c, page)).join('\n')}
</table>
${results.claims.map((c) => claimSection(c, figures.get(c.id) ?? [], page, results)).join('\n')}
</body></html>
`;
}
