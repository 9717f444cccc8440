// Writes docs/layers.md, the table of every registered layer type, from the compiled registry, so the
// table cannot be typed by hand (src/nn/layerTable/layerTable.test.ts fails when the committed file differs).
// Usage: npm run docs:layers   (builds first)
import { writeFileAtomic } from '../dist/src/io/atomicWrite.js';
import { layerTableMarkdown } from '../dist/src/nn/layerTable/layerTable.js';

writeFileAtomic('docs/layers.md', layerTableMarkdown());
console.log('wrote docs/layers.md');
