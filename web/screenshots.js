/* global console */
// Screenshots of every lab view for docs/lab.md (docs/lab/<view>.png; the README shows the training one):
// builds the static site from web/, serves it on localhost and captures each view in Debian's headless
// Chromium once its first computation is drawn (document.body.dataset.ready), on the page's default
// backend. Each PNG is written atomically.
// Usage: npm run build && node web/screenshots.js
import { join } from 'node:path';
import { writeFileAtomic } from '../dist/src/io/atomicWrite.js';
import { buildSite } from '../dist/web/buildSite.js';
import { launchChromium } from '../dist/web/chromium.js';
import { serveStatic } from '../dist/web/staticServer.js';

const SHOTS = {
  kernel: '#view=kernel&inputs=circle&n=64&depth=3&width=512',
  training: '#view=training&inputs=line&n=200&width=256&depth=3&steps=300&topk=10',
  catapult: '#view=catapult&model=toy&r=3&n=1000&steps=400',
  frequency: '#view=frequency&density=1,2,4&grid=512&top=16',
  cube: '#view=cube&dim=32&depth=3&maxDepth=6',
};

const root = join(import.meta.dirname, '..');
const out = join(root, 'docs', 'lab');
const { url, server } = await serveStatic(buildSite(root));
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 1000 });
  for (const [view, hash] of Object.entries(SHOTS)) {
    await page.goto(url + hash);
    await page.waitForFunction((v) => globalThis.document.body.dataset.ready === v, view, {
      timeout: 300_000,
    });
    writeFileAtomic(join(out, `${view}.png`), await page.screenshot({ fullPage: true }), {
      createDirs: true,
    });
    console.log(`docs/lab/${view}.png`);
  }
} finally {
  await browser.close();
  server.close();
}
