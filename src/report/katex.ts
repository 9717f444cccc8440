import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Formulas as mathematics, offline: KaTeX renders TeX to HTML when the report is written (no script
 * in the page), and its stylesheet and fonts are copied into the report folder (no CDN).
 */
const require = createRequire(import.meta.url);
const katex = require('katex') as {
  renderToString(tex: string, o: { throwOnError: boolean; displayMode: boolean; output: 'html' }): string;
};

/** The HTML of a TeX formula (display style); a formula KaTeX cannot parse is an error naming it. */
export function renderTex(tex: string): string {
  try {
    return katex.renderToString(tex, { throwOnError: true, displayMode: true, output: 'html' });
  } catch (err) {
    throw new Error(`formula ${JSON.stringify(tex)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Copy katex.min.css and its fonts/ into `<outDir>/katex/` (the page links katex/katex.min.css). */
export function bundleKatexAssets(outDir: string): void {
  const dist = join(dirname(require.resolve('katex/package.json')), 'dist');
  const target = join(outDir, 'katex');
  mkdirSync(target, { recursive: true });
  cpSync(join(dist, 'katex.min.css'), join(target, 'katex.min.css'));
  if (!existsSync(join(target, 'fonts'))) cpSync(join(dist, 'fonts'), join(target, 'fonts'), { recursive: true });
}
