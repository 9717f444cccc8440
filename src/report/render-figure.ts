import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite → Vega → SVG, in Node with no browser or canvas: Vega's headless View with the 'none'
 * renderer and `toSVG()`. Vega-Lite warnings (e.g. a dropped invalid value) are collected, not printed.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...a: readonly unknown[]) => {
      throw new Error(`vega-lite: ${a.map(String).join(' ')}`);
    },
    warn: (...a: readonly unknown[]) => (warnings.push(a.map(String).join(' ')), logger),
    info: () => logger,
    debug: () => logger,
  };
  const vgSpec = compile(spec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    if (!svg.startsWith('<svg')) throw new Error('renderSvg: Vega produced no SVG');
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** SVG → PNG at `scale`× (for slides) with resvg, using the system fonts. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  if (!(scale > 0 && scale <= 8)) throw new Error(`svgToPng: scale must be in (0, 8], got ${scale}`);
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}
