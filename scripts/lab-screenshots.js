// Screenshots of every lab view for docs/lab.md (docs/lab/<view>.png): builds the site, serves it on
// localhost and captures each view in headless Chromium once its first computation is done.
// Usage: npm run build && node scripts/lab-screenshots.js
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSite } from '../dist/web/buildSite.js';
import { launchChromium } from '../dist/web/chromium.js';
import { serveStatic } from '../dist/web/staticServer.js';

const SHOTS = {
  kernel: '#view=kernel&inputs=circle&n=64&depth=3&width=512',
  training: '#view=training&inputs=line&n=40&width=128&depth=2&steps=300',
  catapult: '#view=catapult&model=toy&r=3&n=1000&steps=400',
  frequency: '#view=frequency&density=1,2,4&grid=512&top=16',
  cube: '#view=cube&dim=32&depth=3&maxDepth=6',
};

const root = process.cwd();
const out = join(root, 'docs', 'lab');
mkdirSync(out, { recursive: true });
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
    await page.screenshot({ path: join(out, `${view}.png`), fullPage: true });
    console.log(`docs/lab/${view}.png`);
  }
} finally {
  await browser.close();
  server.close();
}
