// The browser lab in headless Chromium against the built site (npm run lab:build → site/) served from
// localhost: every view opens from its URL hash and finishes; no console error; no long task > 100 ms on
// the main thread while it computes; a control change redraws the figure; the numbers of the data export
// equal the Node library's for the same inputs to 1e-12.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { parseNpy, serializeNpy } from '../../src/io/npy.js';
import { setBackend } from '../../src/linalg/select.js';
import { Matrix } from '../../src/linalg/matrix.js';
import { kernelFn } from '../../src/kernels/kernelFn.js';
import { modelFromJson } from '../../src/nn/model.js';
import { PRNGKey, split } from '../../src/random/keys.js';
import { normal } from '../../src/random/normal.js';
import { eighDescending } from '../../src/spectral/alignment.js';
import { cubeSpectrumOfStack } from '../../src/spectral/cube.js';
import { preciseLayersOfModel } from '../../src/spectral/dotProduct.js';
import { parseDensity } from '../../src/spectral/circle/density.js';
import { twoLayerReluBias } from '../../src/spectral/circle/kernels.js';
import { circleNystrom } from '../../src/spectral/circle/nystrom.js';
import { networkModel } from '../../src/train/model.js';
import { train } from '../../src/train/train.js';
import { runToy, toyStateOf } from '../../src/experiments/seed003/toy-model.js';
import { CLAIM_VIEWS } from '../../src/lab/claimViews.js';
import { buildSite } from '../buildSite.js';
import { CHROMIUM, launchChromium } from '../chromium.js';
import { serveStatic } from '../staticServer.js';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Exported {
  view: string;
  params: Record<string, number | string>;
  backend: string;
  scalars: Record<string, unknown>;
  arrays: Record<string, { shape: number[]; data: (number | null)[] }>;
}

/**
 * Both backends of the lab: the numbers of each must equal the Node library's on the same backend. `wasm` is
 * the page's default (no `backend` in the hash); `ts` is asked for by the hash.
 */
const BACKENDS = ['wasm', 'ts'] as const;
const hashOf = (b: (typeof BACKENDS)[number]): string => (b === 'wasm' ? '' : `&backend=${b}`);

let server: Server | null = null;
let base = '';
let context: BrowserContext | null = null;
let browser: Awaited<ReturnType<typeof launchChromium>> | null = null;
let skip: string | null = null;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true')
      throw new Error(`${CHROMIUM} is missing but CI=true: install Debian's chromium`);
    skip = `${CHROMIUM} not installed (apt-get install -y chromium)`;
    return;
  }
  const site = buildSite(ROOT);
  ({ url: base, server } = await serveStatic(site));
  browser = await launchChromium();
  context = browser.context;
  setBackend('ts');
});

after(async () => {
  await browser?.close();
  server?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  /**
   * Ends the trace: the CPU time (thread time, ms) of every main-thread task, from the Chromium trace, each
   * with what took its time (its trace events over 5 ms, for the message of a failure).
   */
  cpuTasks: () => Promise<{ cpu: number; what: string; loading: boolean }[]>;
}

interface TraceEvent {
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Open a hash, wait for the view to be ready, and check no console error and no long task over 100 ms. */
async function open(hash: string, view: string): Promise<Opened> {
  const page = await context!.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const cdp = await context!.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((r) => cdp.on('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    traceConfig: {
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'],
    },
    transferMode: 'ReportEvents',
  });
  const cpuTasks = async (): Promise<{ cpu: number; what: string; loading: boolean }[]> => {
    await cdp.send('Tracing.end');
    await complete;
    const main = new Set(
      events
        .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
        .map((e) => `${e.pid}:${e.tid}`),
    );
    const onMain = events.filter((e) => main.has(`${e.pid}:${e.tid}`));
    return onMain
      .filter((e) => e.name === 'RunTask' && e.tdur !== undefined)
      .map((task) => ({
        cpu: task.tdur! / 1000,
        // the task that evaluates the page's module is page load, as for the long tasks below
        loading: onMain.some(
          (e) => e.name === 'v8.evaluateModule' && e.ts! >= task.ts! && e.ts! < task.ts! + (task.dur ?? 0),
        ),
        what: onMain
          .filter(
            (e) =>
              e !== task &&
              e.name !== 'RunTask' &&
              (e.dur ?? 0) > 5000 &&
              e.ts! >= task.ts! &&
              e.ts! < task.ts! + (task.dur ?? 0),
          )
          .map((e) => `${e.name} ${(e.dur! / 1000).toFixed(0)} ms`)
          .join(', '),
      }));
  };
  await page.addInitScript(() => {
    const w = globalThis as unknown as {
      __longTasks: { start: number; duration: number }[];
      PerformanceObserver: new (
        cb: (l: { getEntries(): { startTime: number; duration: number }[] }) => void,
      ) => {
        observe(o: object): void;
      };
    };
    w.__longTasks = [];
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(base + hash, { waitUntil: 'load' });
  await waitReady(page, view, errors);
  return { page, errors, cpuTasks };
}

async function waitReady(page: Page, view: string, errors: string[]): Promise<void> {
  try {
    await page.waitForFunction(
      (v) =>
        (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
          .dataset.ready === v,
      view,
      { timeout: 90_000 },
    );
  } catch (e) {
    const status = await page.locator('#status').textContent();
    throw new Error(
      `view ${view} did not become ready: status '${status}', console errors ${JSON.stringify(errors)}; ${(e as Error).message}`,
    );
  }
}

/**
 * No console error; no main-thread task over 100 ms once the first computation has started
 * (PerformanceObserver 'longtask', wall time, at any machine load): the page posts every computation to its
 * worker and draws one figure per task. The one allowance is page load up to the first computation (the
 * page marks 'lab:compute' as it posts each one): long tasks that start before the first mark — fetching,
 * evaluating and laying out the page, up to the task that posts the first computation — are reported, not
 * held. The CPU time of every main-thread task, read from the Chromium trace, is held to
 * 100 ms too, page load included.
 */
async function checkClean(t: TestContext, o: Opened): Promise<void> {
  // The trace is ended first, so a failure below does not leave it running for the next test's page.
  const cpu = await o.cpuTasks();
  assert.deepEqual(o.errors, [], 'console errors');
  const { long, firstCompute } = (await o.page.evaluate(() => {
    const g = globalThis as unknown as {
      __longTasks: { start: number; duration: number }[];
      performance: { getEntriesByName(n: string): { startTime: number }[] };
    };
    const marks = g.performance.getEntriesByName('lab:compute');
    return { long: g.__longTasks, firstCompute: marks.length > 0 ? marks[0].startTime : null };
  })) as { long: { start: number; duration: number }[]; firstCompute: number | null };
  assert.ok(firstCompute !== null, "the page marked no computation ('lab:compute')");
  // The task that posts the first computation (the module's evaluation) began before the mark: page load.
  const loading = long.filter((e) => e.start < firstCompute);
  const computing = long.filter((e) => e.start >= firstCompute);
  const running = cpu.filter((c) => !c.loading);
  const mostCpu = running.reduce((a, b) => Math.max(a, b.cpu), 0);
  assert.ok(
    computing.every((e) => e.duration <= 100),
    `main-thread long tasks over 100 ms during a computation: ${JSON.stringify(computing.map((e) => Math.round(e.duration)))} ms (load average ${loadavg()[0].toFixed(1)}; the most CPU any main-thread task after page load used: ${mostCpu.toFixed(1)} ms)`,
  );
  t.diagnostic(
    `longest main-thread task during the computations: ${Math.round(computing.reduce((a, e) => Math.max(a, e.duration), 0))} ms wall (longtask entries are ≥ 50 ms; 0: none), ${mostCpu.toFixed(1)} ms CPU (load average ${loadavg()[0].toFixed(1)})`,
  );
  if (loading.length > 0)
    t.diagnostic(
      `page load before the first computation: long tasks ${JSON.stringify(loading.map((e) => Math.round(e.duration)))} ms (allowed)`,
    );
  assert.ok(running.length > 0, 'the trace recorded no main-thread task after the page load');
  const evaluating = cpu.filter((c) => c.loading);
  if (evaluating.length > 0)
    t.diagnostic(
      `module evaluation (page load): main-thread CPU ${JSON.stringify(evaluating.map((c) => Math.round(c.cpu)))} ms (allowed)`,
    );
  const worst = running.reduce((a, b) => (b.cpu > a.cpu ? b : a));
  assert.ok(
    worst.cpu <= 100,
    `a main-thread task used ${worst.cpu.toFixed(1)} ms of CPU (> 100 ms): ${worst.what} (load average ${loadavg()[0].toFixed(1)})`,
  );
}

async function exportJson(page: Page): Promise<Exported> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#save-json')]);
  const path = await dl.path();
  return JSON.parse(readFileSync(path, 'utf8')) as Exported;
}

/**
 * Run the page's "reproduce in the CLI" commands in a temporary folder (with this checkout's `ntk` for
 * `npx ntk`) and return the JSON file `out` they wrote.
 */
async function runCliBox(
  page: Page,
  out: string,
  prepare: (dir: string) => Promise<void> = async () => {},
): Promise<Record<string, unknown>> {
  const text = (await page.locator('#cli').textContent()) ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'ntk-lab-cli-'));
  try {
    await prepare(dir);
    const script = text.replaceAll('npx ntk ', `"${process.execPath}" "${join(ROOT, 'bin/ntk.js')}" `);
    const r = spawnSync('sh', ['-e', '-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NTK_QUIET: '1', NTK_BACKEND: 'ts' },
    });
    assert.equal(r.status, 0, `the CLI box failed:\n${text}\n${r.stderr}`);
    if (out.endsWith('.npy')) return { npy: parseNpy(readFileSync(join(dir, out))).data };
    return JSON.parse(readFileSync(join(dir, out), 'utf8')) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertClose(
  got: ArrayLike<number | null>,
  want: ArrayLike<number>,
  what: string,
  tol = 1e-12,
): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    assert.ok(
      g !== null && Math.abs(g - want[i]) <= tol * Math.max(scale, 1e-300),
      `${what}[${i}]: page ${g}, Node ${want[i]}`,
    );
  }
}

for (const backend of BACKENDS)
  test(`kernel view (${backend}): NTK/NNGP equal kernelFn in Node; a control change redraws the heatmap`, async (t) => {
    if (skip) return t.skip(skip);
    const o = await open(
      `#view=kernel&n=40&depth=3&act=Relu&wstd=1.5&bstd=0.1&width=128${hashOf(backend)}`,
      'kernel',
    );
    const ex = await exportJson(o.page);
    assert.equal(ex.backend, backend);
    setBackend(backend);
    const n = 40;
    const x = new Matrix(n, 2);
    for (let i = 0; i < n; i++) {
      x.data[2 * i] = Math.cos(-Math.PI + (2 * Math.PI * i) / n);
      x.data[2 * i + 1] = Math.sin(-Math.PI + (2 * Math.PI * i) / n);
    }
    assertClose(ex.arrays.x.data, x.data, 'x');
    const json = {
      parameterization: 'ntk',
      layers: [1, 2, 3]
        .flatMap(() => [{ type: 'Dense', width: 128, W_std: 1.5, b_std: 0.1 }, { type: 'Relu' }])
        .concat([{ type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 }]),
    };
    const k = kernelFn(modelFromJson(json).net, x);
    assertClose(ex.arrays.ntk.data, k.ntk!.data, 'ntk');
    assertClose(ex.arrays.nngp.data, k.nngp!.data, 'nngp');
    // The CLI box, on the x array saved by the page's .npy export.
    const cli = await runCliBox(o.page, 'ntk.npy', async (dir) => {
      await o.page.selectOption('#npy-array', 'x');
      const [dl] = await Promise.all([o.page.waitForEvent('download'), o.page.click('#save-npy')]);
      assert.equal(dl.suggestedFilename(), 'lab.kernel.x.npy');
      await dl.saveAs(join(dir, 'lab.kernel.x.npy'));
    });
    assertClose(cli.npy as Float64Array, k.ntk!.data, 'ntk (CLI box)');
    assertClose(ex.arrays.eigenvalues.data, eighDescending(k.ntk!).values, 'eigenvalues', 1e-10);
    const errs = ex.arrays.empiricalError.data as number[];
    assert.deepEqual(ex.arrays.widths.data, [16, 32, 64, 128]);
    assert.ok(errs[3] < errs[0], `empirical NTK error should fall with width: ${errs}`);
    const before = await o.page.locator('[data-figure="ntk"] .plot').innerHTML();
    const runs = await o.page.evaluate(
      () =>
        (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
          .dataset.runs,
    );
    await o.page.selectOption('select[name="act"]', 'Erf');
    await o.page.waitForFunction(
      (r) => {
        const d = (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } })
          .document.body.dataset;
        return d.runs !== r && d.ready === 'kernel';
      },
      runs,
      { timeout: 60_000 },
    );
    assert.match(o.page.url(), /act=Erf/);
    const after = await o.page.locator('[data-figure="ntk"] .plot').innerHTML();
    assert.notEqual(after, before, 'the NTK heatmap did not change with the activation');
    await checkClean(t, o);
    await o.page.close();
  });

for (const backend of BACKENDS)
  test(`training view (${backend}): the loss curve equals src/train in Node (same seed, GD)`, async (t) => {
    if (skip) return t.skip(skip);
    const o = await open(
      `#view=training&n=30&width=64&depth=2&steps=60&lr=0.5&kappa=2&opt=gd&seed=3${hashOf(backend)}`,
      'training',
    );
    await checkClean(t, o);
    const ex = await exportJson(o.page);
    assert.equal(ex.backend, backend);
    setBackend(backend);
    const n = 30;
    const x = new Float64Array(n);
    const y = new Matrix(n, 1);
    for (let i = 0; i < n; i++) {
      x[i] = -1 + (2 * i) / (n - 1);
      y.data[i] = Math.sin(2 * Math.PI * x[i]);
    }
    const net = modelFromJson({
      parameterization: 'ntk',
      layers: [
        { type: 'Dense', width: 64, W_std: 1.5, b_std: 0.1 },
        { type: 'Relu' },
        { type: 'Dense', width: 64, W_std: 1.5, b_std: 0.1 },
        { type: 'Relu' },
        { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
      ],
    }).net;
    const [initKey] = split(PRNGKey(3), 2);
    const r = train({
      model: networkModel(net, net.init(initKey, [1])),
      xTrain: { shape: [n, 1], data: x },
      yTrain: y,
      optimizer: 'gd',
      lr: 0.5,
      steps: 60,
      recordEvery: 1,
    });
    assertClose(ex.arrays.loss.data, r.loss, 'loss');
    assertClose(ex.arrays.f.data, r.fTrain![60].data, 'f_T');
    const a = ex.arrays.alignmentY.data as number[];
    assert.ok(a.length >= 2 && a.every((v) => v >= 0 && v <= 1 + 1e-12), `alignment in [0, 1]: ${a}`);
    await o.page.close();
  });

test('catapult view: the toy trajectory equals runToy in Node', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=catapult&model=toy&r=3&n=500&steps=300&seed=1', 'catapult');
  await checkClean(t, o);
  const ex = await exportJson(o.page);
  const [ku, kv] = split(PRNGKey(1));
  const s0 = toyStateOf(normal(ku, 500), normal(kv, 500), 0);
  const run = runToy(s0, 3, { n: 500, steps: 300, tol: 1e-8, blowup: 1e8, trace: true });
  assert.equal(ex.scalars.phase, 'catapult');
  assert.equal(run.phase, 'catapult');
  assertClose(
    ex.arrays.loss.data,
    run.trace!.df.map((d) => (d * d) / 2),
    'loss',
  );
  await o.page.close();
});

for (const backend of BACKENDS)
  test(`frequency view (${backend}): Nyström eigenvalues equal circleNystrom in Node and the CLI box command`, async (t) => {
    if (skip) return t.skip(skip);
    const o = await open(
      `#view=frequency&density=1,2,4&grid=256&top=12&samples=100&kappaMax=6${hashOf(backend)}`,
      'frequency',
    );
    await checkClean(t, o);
    const ex = await exportJson(o.page);
    assert.equal(ex.backend, backend);
    setBackend(backend);
    const e = circleNystrom(twoLayerReluBias, parseDensity('1,2,4'), { grid: 256, top: 12 });
    assertClose(ex.arrays.eigenvalues.data, e.eigenvalues, 'eigenvalues');
    const cli = await runCliBox(o.page, 'circle.json');
    assertClose(ex.arrays.eigenvalues.data, cli.eigenvalues as number[], 'eigenvalues (CLI box)');
    const steps = ex.arrays.learningSteps.data as number[];
    assert.ok(steps[5] > steps[1], `learning time should grow with κ: ${steps}`);
    await o.page.close();
  });

test('cube view: fractional variances equal cubeSpectrumOfStack in Node and the CLI box command', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=cube&dim=16&depth=2&maxDepth=3&get=ntk&act=Relu&wstd=1.5&bstd=0.1', 'cube');
  await checkClean(t, o);
  const ex = await exportJson(o.page);
  const json = {
    parameterization: 'ntk',
    layers: [1, 2]
      .flatMap(() => [{ type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 }, { type: 'Relu' }])
      .concat([{ type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 }]),
  };
  const s = cubeSpectrumOfStack(preciseLayersOfModel(modelFromJson(json)).layers!, 16, 'ntk');
  assertClose(ex.arrays.fractionalVariance.data, s.fractionalVariance, 'fractional variance');
  assertClose(ex.arrays.eigenvalues.data, s.eigenvalues, 'eigenvalues');
  const cli = await runCliBox(o.page, 'cube.json');
  assertClose(
    ex.arrays.fractionalVariance.data,
    cli.fractionalVariance as number[],
    'fractional variance (CLI box)',
  );
  await o.page.close();
});

test('every claim → lab link of src/lab/claimViews opens a view whose parameters parse', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=cube&dim=4&maxDepth=1', 'cube');
  for (const [id, hash] of Object.entries(CLAIM_VIEWS)) {
    await o.page.evaluate((h) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = h;
    }, hash);
    const state = await o.page.waitForFunction(
      () => {
        const d = (
          globalThis as unknown as {
            document: { querySelector(s: string): { className: string; textContent: string } };
          }
        ).document;
        const s = d.querySelector('#status');
        return s.className === 'error'
          ? `error: ${s.textContent}`
          : s.textContent.startsWith('computing')
            ? 'ok'
            : null;
      },
      null,
      { timeout: 10_000 },
    );
    assert.equal(await state.jsonValue(), 'ok', `${id}: ${hash}`);
  }
  await o.page.click('#stop');
  assert.match((await o.page.locator('#status').textContent()) ?? '', /^stopped/);
  // After a stop the next computation runs on a fresh worker.
  await o.page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#view=cube&dim=6&maxDepth=2';
  });
  await waitReady(o.page, 'cube', o.errors);
  assert.equal(
    await o.page.locator('#progress').evaluate((p) => (p as unknown as { value: number }).value),
    1,
  );
  await checkClean(t, o);
  await o.page.close();
});

test('kernel view: a .npy file of N×d inputs is used as the inputs (NTK equal to kernelFn in Node)', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=kernel&n=8&depth=2&empirical=0', 'kernel');
  const x = new Matrix(12, 3, normal(PRNGKey(7), 36));
  const runs = await o.page.evaluate(
    () =>
      (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
        .dataset.runs,
  );
  await o.page.setInputFiles('#npy-file', {
    name: 'points.npy',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(serializeNpy(x.data, [12, 3])),
  });
  await o.page.waitForFunction(
    (r) => {
      const d = (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } })
        .document.body.dataset;
      return d.runs !== r && d.ready === 'kernel';
    },
    runs,
    { timeout: 60_000 },
  );
  assert.match(o.page.url(), /inputs=file/);
  assert.match((await o.page.locator('#cli').textContent()) ?? '', /--x1 points\.npy/);
  const ex = await exportJson(o.page);
  assert.deepEqual(ex.arrays.x.shape, [12, 3]);
  const json = {
    parameterization: 'ntk',
    layers: [1, 2]
      .flatMap(() => [{ type: 'Dense', width: 512, W_std: 1.5, b_std: 0.1 }, { type: 'Relu' }])
      .concat([{ type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 }]),
  };
  assertClose(ex.arrays.ntk.data, kernelFn(modelFromJson(json).net, x).ntk!.data, 'ntk');
  await checkClean(t, o);
  await o.page.close();
});

test('kernel view, conv: the CNTK of 1-D signals equals kernelFn in Node (and its CLI box)', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=kernel&arch=conv&n=10&depth=2&act=Relu&wstd=1.5&bstd=0.1&width=32', 'kernel');
  const ex = await exportJson(o.page);
  const n = 10;
  const L = 16;
  const x = new Float64Array(n * L);
  for (let i = 0; i < n; i++) {
    const a = -Math.PI + (2 * Math.PI * i) / n;
    for (let s = 0; s < L; s++)
      x[i * L + s] =
        Math.cos(a) * Math.cos((2 * Math.PI * s) / L) + Math.sin(a) * Math.sin((2 * Math.PI * s) / L);
  }
  assert.deepEqual(ex.arrays.x.shape, [n, L, 1]);
  assertClose(ex.arrays.x.data, x, 'x');
  const conv = { type: 'Conv', channels: 32, filter: [3], padding: 'SAME', W_std: 1.5, b_std: 0.1 };
  const json = {
    parameterization: 'ntk',
    layers: [
      conv,
      { type: 'Relu' },
      conv,
      { type: 'Relu' },
      { type: 'Flatten' },
      { type: 'Dense', width: 1, W_std: 1.5, b_std: 0.1 },
    ],
  };
  const k = kernelFn(modelFromJson(json).net, { shape: [n, L, 1], data: x });
  assertClose(ex.arrays.ntk.data, k.ntk!.data, 'ntk');
  assert.deepEqual(ex.arrays.widths.data, [16, 32]);
  const cli = await runCliBox(o.page, 'ntk.npy', async (dir) => {
    await o.page.selectOption('#npy-array', 'x');
    const [dl] = await Promise.all([o.page.waitForEvent('download'), o.page.click('#save-npy')]);
    await dl.saveAs(join(dir, 'lab.kernel.x.npy'));
  });
  assertClose(cli.npy as Float64Array, k.ntk!.data, 'ntk (CLI box)');
  await checkClean(t, o);
  await o.page.close();
});

test('an unknown backend in the hash is an error shown in the page, not a fallback', async (t) => {
  if (skip) return t.skip(skip);
  const page = await context!.newPage();
  await page.goto(base + '#view=cube&dim=4&maxDepth=1&backend=gpu');
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as { document: { querySelector(s: string): { className: string } } }
      ).document.querySelector('#status').className === 'error',
    null,
    { timeout: 10_000 },
  );
  assert.match(
    (await page.locator('#status').textContent()) ?? '',
    /backend must be one of wasm, ts, got 'gpu'/,
  );
  await page.close();
});

test('the long-task check can fail: a 150 ms main-thread task after the first computation is seen', async (t) => {
  if (skip) return t.skip(skip);
  const o = await open('#view=cube&dim=4&maxDepth=1', 'cube');
  // A task of the page's own (a timer): tasks that DevTools runs for page.evaluate are not observed.
  await o.page.evaluate(() => {
    setTimeout(() => {
      const t0 = performance.now();
      while (performance.now() - t0 < 150);
    }, 0);
  });
  await o.page.waitForFunction(
    () =>
      (globalThis as unknown as { __longTasks: { duration: number }[] }).__longTasks.some(
        (e) => e.duration >= 150,
      ),
    null,
    { timeout: 10_000 },
  );
  await assert.rejects(checkClean(t, o), /long tasks over 100 ms during a computation/);
  await o.page.close();
});
