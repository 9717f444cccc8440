import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aroraEtAl2019Exact, jacotGabrielHongler2018, kopitkovIndelman2020 } from './bibliography.js';
import { citationText, shortCitation } from './citation.js';

test('author–year citations: two, three and more than three authors', () => {
  assert.equal(shortCitation(kopitkovIndelman2020), 'Kopitkov & Indelman (2020)');
  assert.equal(shortCitation(jacotGabrielHongler2018), 'Jacot, Gabriel & Hongler (2018)');
  assert.equal(shortCitation(aroraEtAl2019Exact), 'Arora et al. (2019)');
  assert.equal(shortCitation({ ...kopitkovIndelman2020, authors: ['Greg Yang'] }), 'Yang (2020)');
});

test('the full reference names every author, the title, venue and arXiv id', () => {
  assert.equal(
    citationText(jacotGabrielHongler2018),
    'Arthur Jacot, Franck Gabriel and Clément Hongler (2018). Neural Tangent Kernel: Convergence and ' +
      'Generalization in Neural Networks. Advances in Neural Information Processing Systems 31 (NeurIPS 2018), ' +
      'pp. 8571–8580. arXiv:1806.07572.',
  );
  const noId = { ...jacotGabrielHongler2018, arxiv: undefined, title: 'Is it?' };
  assert.match(citationText(noId), /\(2018\)\. Is it\? Advances .*8580\.$/);
});
