import './style.css';
import { parseNpy } from '../../src/io/npy.js';
import type { LabArray, LabParams, LabResult } from './compute/result.js';
import { resultJson, saveNpy, savePng, saveSvg, download } from './export.js';
import { formatHash, parseHash } from './hashState.js';
import { views } from './views/index.js';
import type { ViewDef } from './views/types.js';
import { Cancelled, LabWorker } from './workerClient.js';
import type { LabBackendChoice } from './backend.js';

/**
 * The lab's page: a view chosen by the URL hash, its controls, figures drawn from the worker's result, data
 * export and the equivalent CLI command. The main thread only draws; every computation runs in the worker.
 */
const worker = new LabWorker();
const $ = <T extends HTMLElement>(sel: string): T => document.querySelector(sel) as T;

let current: { view: ViewDef; params: LabParams; backend: LabBackendChoice } | null = null;
let lastResult: LabResult | null = null;
let lastBackend = 'ts';
/** The inputs of a dropped .npy file (kernel view, inputs = file); not part of the URL. */
let dropped: { name: string; x: LabArray } | null = null;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

function renderNav(active: string): void {
  const nav = $('#nav');
  nav.replaceChildren(
    ...views.map((v) => {
      const a = el('a', { href: `#view=${v.name}`, 'data-view': v.name }, v.name);
      if (v.name === active) a.classList.add('active');
      return a;
    }),
  );
}

function renderControls(view: ViewDef, params: LabParams, backend: LabBackendChoice): void {
  const box = $('#controls');
  box.replaceChildren();
  for (const c of view.controls) {
    const label = el('label', {}, c.label);
    let input: HTMLInputElement | HTMLSelectElement;
    if (c.kind === 'select') {
      input = el('select', { name: c.key });
      for (const o of c.options!) input.append(el('option', { value: o }, o));
    } else {
      input = el('input', {
        name: c.key,
        type: c.slider ? 'range' : c.kind === 'number' ? 'number' : 'text',
      });
      if (c.min !== undefined) input.setAttribute('min', String(c.min));
      if (c.max !== undefined) input.setAttribute('max', String(c.max));
      if (c.step !== undefined) input.setAttribute('step', String(c.step));
    }
    input.value = String(params[c.key]);
    if (c.slider) {
      const shown = el('output', {}, String(params[c.key]));
      input.addEventListener('input', () => (shown.textContent = input.value));
      label.append(shown);
    }
    input.addEventListener('change', () => {
      const next = { ...params, [c.key]: c.kind === 'number' ? Number(input.value) : input.value };
      location.hash = formatHash(view, next, backend);
    });
    label.append(input);
    box.append(label);
  }
}

/** Yield to the event loop (a new task), so that no single task draws more than one figure. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

let drawing: Promise<void> | null = null;
let queued: { view: ViewDef; params: LabParams; r: LabResult } | null = null;

/**
 * Draw a result, one figure per task. Frames that arrive while a drawing is in progress replace each other,
 * so the page draws the latest state and never falls behind the worker.
 */
function renderResult(view: ViewDef, params: LabParams, r: LabResult): Promise<void> {
  queued = { view, params, r };
  if (!drawing) {
    drawing = (async () => {
      while (queued) {
        const q = queued;
        queued = null;
        await drawNow(q.view, q.params, q.r);
      }
      drawing = null;
    })();
  }
  return drawing;
}

async function drawNow(view: ViewDef, params: LabParams, r: LabResult): Promise<void> {
  const figs = view.figures(r, params);
  const host = $('#figures');
  const existing = new Map(
    Array.from(host.children, (c) => [(c as HTMLElement).dataset.figure!, c as HTMLElement]),
  );
  const keep = new Set(figs.map((f) => f.id));
  for (const [id, node] of existing) if (!keep.has(id)) node.remove();
  for (const f of figs) {
    if (current?.view !== view) return;
    let box = existing.get(f.id);
    if (!box) {
      box = el('figure', { 'data-figure': f.id });
      const plot = el('div', { class: 'plot' });
      const bar = el('div', { class: 'figbar' });
      const svgBtn = el('button', { 'data-export': 'svg' }, 'SVG');
      const pngBtn = el('button', { 'data-export': 'png' }, 'PNG');
      const id = f.id;
      svgBtn.onclick = () => saveSvg(`lab.${view.name}.${id}`, box!.querySelector('.plot')!.innerHTML);
      pngBtn.onclick = () => void savePng(`lab.${view.name}.${id}`, box!.querySelector('.plot')!.innerHTML);
      bar.append(svgBtn, pngBtn);
      box.append(plot, bar);
      if (view.name === 'frequency' && f.id === 'density')
        plot.addEventListener('click', (ev) => redrawDensity(ev, plot));
      host.append(box);
    }
    box.querySelector('.plot')!.innerHTML = f.svg();
    await nextTask();
  }
  const table = $('#summary');
  table.replaceChildren(
    ...view.summary(r, params).map(([k, v]) => {
      const tr = el('tr');
      tr.append(el('th', {}, k), el('td', { 'data-value': k }, v));
      return tr;
    }),
  );
}

/** Frequency view: a click in the density figure sets the density of the arc under the pointer. */
function redrawDensity(ev: MouseEvent, plot: HTMLElement): void {
  if (!current) return;
  const svg = plot.querySelector('svg')!;
  const box = svg.getBoundingClientRect();
  const fx = (ev.clientX - box.left) / box.width;
  const fy = (ev.clientY - box.top) / box.height;
  const vals = String(current.params.density).split(',').map(Number);
  const l = 58 / 440;
  const rr = 1 - 12 / 440;
  const j = Math.floor(((fx - l) / (rr - l)) * vals.length);
  if (j < 0 || j >= vals.length) return;
  const top = 28 / 300;
  const bottom = 1 - 42 / 300;
  const level = Math.min(1, Math.max(0.02, (bottom - fy) / (bottom - top)));
  vals[j] = Number((level * 2 * Math.max(...vals)).toPrecision(3));
  location.hash = formatHash(current.view, { ...current.params, density: vals.join(',') }, current.backend);
}

function renderDataExport(view: ViewDef, params: LabParams, r: LabResult): void {
  const sel = $<HTMLSelectElement>('#npy-array');
  sel.replaceChildren(
    ...Object.keys(r.arrays).map((k) => el('option', { value: k }, `${k} [${r.arrays[k].shape.join('×')}]`)),
  );
  $<HTMLButtonElement>('#save-npy').onclick = () => saveNpy(`lab.${view.name}`, r, sel.value);
  $<HTMLButtonElement>('#save-json').onclick = () =>
    download(`lab.${view.name}.json`, resultJson(view.name, params, lastBackend, r), 'application/json');
}

async function run(): Promise<void> {
  let state;
  try {
    state = parseHash(location.hash, views);
  } catch (e) {
    $('#status').textContent = (e as Error).message;
    $('#status').className = 'error';
    return;
  }
  const { view, params, backend } = state;
  const viewChanged = current?.view !== view;
  current = state;
  delete document.body.dataset.ready;
  renderNav(view.name);
  renderControls(view, params, backend);
  $('#title').textContent = view.title;
  $('#about').textContent = view.about;
  $('#cli').textContent = view
    .cli(params)
    .replace('lab.kernel.x.npy', params.inputs === 'file' && dropped ? dropped.name : 'lab.kernel.x.npy');
  $('#drop').hidden = view.name !== 'kernel';
  if (viewChanged) $('#figures').replaceChildren();
  const status = $('#status');
  const bar = $<HTMLProgressElement>('#progress');
  status.className = '';
  status.textContent = 'computing…';
  bar.value = 0;
  // Marks where computations start: page load ends at the first one (the long-task check begins there).
  performance.mark('lab:compute');
  try {
    const inputs: Record<string, LabArray> = dropped ? { x: dropped.x } : {};
    const out = await worker.run(view.name, params, backend, inputs, {
      progress: (done, total) => {
        bar.value = total > 0 ? done / total : 0;
      },
      frame: (partial) => void renderResult(view, params, partial),
    });
    lastResult = out.result;
    lastBackend = out.backend;
    await renderResult(view, params, out.result);
    renderDataExport(view, params, out.result);
    bar.value = 1;
    status.textContent = `done in ${out.seconds.toFixed(2)} s (backend ${out.backend}, float64, in a Web Worker)`;
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? '0') + 1);
    document.body.dataset.ready = view.name;
  } catch (e) {
    if (e instanceof Cancelled) return;
    status.textContent = `error: ${(e as Error).message}`;
    status.className = 'error';
  }
}

/** Kernel view: a dropped (or chosen) .npy file of N×d inputs becomes the inputs (inputs = file). */
async function useNpy(file: File): Promise<void> {
  try {
    const a = parseNpy(new Uint8Array(await file.arrayBuffer()), file.name);
    if (a.shape.length !== 2)
      throw new RangeError(`${file.name}: expected an N×d array, got shape [${a.shape.join(', ')}]`);
    const data =
      a.data instanceof BigInt64Array ? Float64Array.from(a.data, Number) : Float64Array.from(a.data);
    dropped = { name: file.name, x: { shape: a.shape, data } };
    if (!current) return;
    const next = formatHash(current.view, { ...current.params, inputs: 'file' }, current.backend);
    if (location.hash === next) void run();
    else location.hash = next;
  } catch (e) {
    $('#status').textContent = `error: ${(e as Error).message}`;
    $('#status').className = 'error';
  }
}
const drop = $('#drop');
drop.addEventListener('dragover', (ev) => ev.preventDefault());
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  const f = ev.dataTransfer?.files[0];
  if (f) void useNpy(f);
});
$<HTMLInputElement>('#npy-file').addEventListener('change', (ev) => {
  const f = (ev.target as HTMLInputElement).files?.[0];
  if (f) void useNpy(f);
});

$<HTMLButtonElement>('#stop').onclick = () => {
  worker.cancel();
  $('#status').textContent = lastResult ? 'stopped (showing the last finished result)' : 'stopped';
};
window.addEventListener('hashchange', () => void run());
void run();
