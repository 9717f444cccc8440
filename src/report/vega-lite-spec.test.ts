import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FigureSpec } from '../experiments/types.js';
import { renderSvg } from './render-figure.js';
import { plottableRows, toVegaLite } from './vega-lite-spec.js';

test('non-finite numbers become null for plotting (Vega-Lite then leaves them out)', () => {
  assert.deepEqual(plottableRows([{ a: Infinity, b: NaN, c: 1, d: 'x' }]), [{ a: null, b: null, c: 1, d: 'x' }]);
});

test('log axes filter values ≤ 0, domains fix category order, facets wrap the layers', async () => {
  const fig: FigureSpec = {
    id: 'f',
    title: 'T',
    caption: '',
    data: [
      { x: 1, y: 0, g: 'b', p: 1 },
      { x: 2, y: 10, g: 'a', p: 2 },
    ],
    chart: {
      kind: 'scatter',
      x: { field: 'x' },
      y: { field: 'y', scale: 'log' },
      series: { field: 'g', domain: ['a', 'b', 'c'] },
      facet: { field: 'p', type: 'ordinal' },
      rules: [{ axis: 'x', value: 1.5, label: 'mid' }],
    },
  };
  const spec = toVegaLite(fig) as unknown as Record<string, unknown>;
  assert.deepEqual(spec.transform, [{ filter: "isValid(datum['y']) && datum['y'] > 0" }]);
  const facet = spec.facet as Record<string, unknown>;
  assert.equal(facet.field, 'p');
  const layers = (spec.spec as { layer: { encoding: Record<string, { scale?: { domain?: unknown } }> }[] }).layer;
  assert.equal(layers.length, 3); // points, rule, rule label
  assert.deepEqual(layers[0].encoding.color.scale?.domain, ['a', 'b', 'c']);
  const { svg } = await renderSvg(toVegaLite(fig));
  assert.match(svg, /^<svg[^>]* width="\d+" height="\d+"/);
  assert.match(svg, /mid/);
});
