import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerDescriptor } from '../descriptor.js';
import { reluType } from '../descriptors/relu.js';
import { denseType } from '../descriptors/dense.js';
import { globalAvgPoolType } from '../descriptors/globalAvgPool.js';
import { knownLayerTypes } from '../registry.js';
import { layerCapabilities, layerTableMarkdown } from './layerTable.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test('docs/layers.md is what the registry generates (run `npm run docs:layers` after adding a layer type)', () => {
  const committed = readFileSync(resolve(root, 'docs', 'layers.md'), 'utf8');
  assert.equal(committed, layerTableMarkdown());
});

test('the layer table has one row per registered type', () => {
  const rows = layerTableMarkdown()
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| layer') && !l.startsWith('| ---'));
  assert.deepEqual(
    rows.map((l) => l.split(' | ')[0].slice(2)),
    knownLayerTypes(),
  );
});

test('the capability columns are probed from the built layer, not declared', () => {
  const relu = layerCapabilities(reluType as LayerDescriptor);
  assert.equal(relu.infinite, 'fused');
  assert.equal(relu.finite, true);
  assert.equal(layerCapabilities(denseType as LayerDescriptor).empirical, 'structured');
  assert.equal(layerCapabilities(globalAvgPoolType as LayerDescriptor).spatial, 'pools');
  // A descriptor whose example does not build has no capabilities.
  const broken = { ...(reluType as LayerDescriptor), example: { type: 'Relu', extra: 1 } } as LayerDescriptor;
  const b = layerCapabilities(broken);
  assert.deepEqual(
    [b.cli, b.finite, b.infinite, b.empirical, b.spatial],
    [false, false, 'none', 'none', 'no'],
  );
  // Without the per-entry dual, the kernel map is record-level only.
  const noPerEntry: LayerDescriptor = {
    ...(reluType as LayerDescriptor),
    build: (c: { type: 'Relu' }, ctx) => {
      const l = reluType.build(c, ctx) as unknown as { entrywise: object };
      return { ...l, entrywise: { ...l.entrywise, perEntry: undefined } } as never;
    },
  };
  assert.equal(layerCapabilities(noPerEntry).infinite, 'record');
});
