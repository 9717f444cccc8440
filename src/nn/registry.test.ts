import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerDescriptor } from './descriptor.js';
import { descriptorProblems } from './descriptorCheck.testutil.js';
import { reluType } from './descriptors/relu.js';
import { LAYER_TYPES } from './layerTypes.js';
import { knownLayerTypes, layerDescriptor } from './registry.js';

test('every registered layer type has every rule its paths need', () => {
  const problems = LAYER_TYPES.flatMap(descriptorProblems);
  assert.deepEqual(problems, []);
});

test('the registry holds exactly the listed types, once each, in list order', () => {
  assert.deepEqual(
    knownLayerTypes(),
    LAYER_TYPES.map((d) => d.type),
  );
  for (const d of LAYER_TYPES) assert.equal(layerDescriptor(d.type), d);
});

test('the registry check fails for a type that lacks a rule a path needs', () => {
  const noPrecise: LayerDescriptor = { ...(reluType as LayerDescriptor), precise: undefined };
  assert.match(descriptorProblems(noPrecise).join('\n'), /neither a precise form nor a note why not/);
  const noPerEntry: LayerDescriptor = {
    ...(reluType as LayerDescriptor),
    build: (c: { type: 'Relu' }, ctx) => {
      const l = reluType.build(c, ctx) as unknown as { entrywise: object };
      return { ...l, entrywise: { ...l.entrywise, perEntry: undefined } } as never;
    },
  };
  assert.match(descriptorProblems(noPerEntry).join('\n'), /no per-entry form for the fused interpreter/);
  const noLayout = { ...(reluType as LayerDescriptor), requires: {} } as unknown as LayerDescriptor;
  assert.match(descriptorProblems(noLayout).join('\n'), /layout requirements/);
});
