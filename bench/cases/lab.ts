/**
 * The browser lab in headless Chromium (the site built from web/, served from localhost; the page's default
 * WebAssembly backend in a Web Worker, and the pure-TS one by `backend=ts` for comparison): the analytic NTK of N = 1000 circle points through a depth-3 ReLU net (kernelFn time as
 * the worker measures it), and live training of a width-256, depth-3 net on N = 200 points with the top-10
 * eigenpairs of the empirical Gramian G_t refreshed every 250 ms (steps/s and refreshes/s over the whole
 * run, set-up and eigenpair time included). Numbers are read from the page's JSON data export; the
 * targets are held on the default backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { BenchCase } from '../harness.js';
import { buildSite } from '../../web/buildSite.js';
import { CHROMIUM, launchChromium } from '../../web/chromium.js';
import { serveStatic } from '../../web/staticServer.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '../../..');

interface Exported {
  backend: string;
  scalars: Record<string, number>;
}

async function runView(page: Page, url: string, view: string): Promise<Exported> {
  await page.goto(url);
  await page.waitForFunction(
    (v) =>
      (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
        .dataset.ready === v,
    view,
    { timeout: 300_000 },
  );
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#save-json')]);
  return JSON.parse(readFileSync(await dl.path(), 'utf8')) as Exported;
}

export const benchCase: BenchCase = {
  name: 'lab',
  description:
    'browser lab in Chromium: analytic NTK N=1000 depth 3; live training width 256 depth 3 N=200 with top-10 G_t eigenpairs',
  async run(ctx) {
    if (!existsSync(CHROMIUM)) {
      ctx.record({
        task: 'lab',
        size: '-',
        impl: 'chromium',
        seconds: null,
        note: `${CHROMIUM} not installed`,
      });
      return;
    }
    const { url, server } = await serveStatic(buildSite(ROOT));
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      if (ctx.wants('kernel')) {
        const r = await runView(
          page,
          `${url}#view=kernel&inputs=circle&n=1000&depth=3&act=Relu&empirical=0`,
          'kernel',
        );
        const s = r.scalars.kernelSeconds;
        ctx.record({
          task: 'kernel',
          size: 'N=1000 depth=3',
          impl: `chromium-${r.backend}`,
          seconds: s,
          note: 'kernelFn NNGP+NTK in the worker',
        });
        ctx.accept('lab analytic NTK N=1000 depth 3 (s)', s, { max: 0.3 });
      }
      if (ctx.wants('training')) {
        for (const backend of ['', '&backend=ts']) {
          const r = await runView(
            page,
            `${url}#view=training&inputs=line&n=200&width=256&depth=3&steps=60&topk=10&refreshMs=250&opt=gd&lr=0.5${backend}`,
            'training',
          );
          const sps = r.scalars.stepsPerSecond;
          const eps = r.scalars.snapshotsPerSecond;
          ctx.record({
            task: 'training',
            size: 'N=200 width=256 depth=3',
            impl: `chromium-${r.backend}`,
            seconds: 60 / sps,
            rate: { value: sps, unit: 'steps/s' },
            note: `${eps.toFixed(2)} top-10 eigen refreshes/s`,
          });
          if (backend !== '') continue;
          ctx.accept('lab live training (steps/s)', sps, { min: 30 });
          ctx.accept('lab top-10 eigenpair refreshes (per s)', eps, { min: 2 });
        }
      }
    } finally {
      await browser.close();
      server.close();
    }
  },
};
