import type { Source, Work } from './types.js';

/**
 * The published works the reproduction suite's claims come from (docs/references.md lists them with
 * BibTeX). A claim cites one of them through `cite(work, where)`, `where` naming the section, theorem,
 * equation or figure of that work the claim restates.
 */

const arxiv = (id: string) => ({ arxiv: id, url: `https://arxiv.org/abs/${id}` });

export const kopitkovIndelman2020: Work = {
  key: 'kopitkov2020neural',
  authors: ['Dmitry Kopitkov', 'Vadim Indelman'],
  year: 2020,
  title: 'Neural Spectrum Alignment: Empirical Study',
  venue: 'Artificial Neural Networks and Machine Learning – ICANN 2020, LNCS, pp. 168–179',
  ...arxiv('1910.08720'),
};

export const jacotGabrielHongler2018: Work = {
  key: 'jacot2018neural',
  authors: ['Arthur Jacot', 'Franck Gabriel', 'Clément Hongler'],
  year: 2018,
  title: 'Neural Tangent Kernel: Convergence and Generalization in Neural Networks',
  venue: 'Advances in Neural Information Processing Systems 31 (NeurIPS 2018), pp. 8571–8580',
  ...arxiv('1806.07572'),
};

export const aroraEtAl2019Exact: Work = {
  key: 'arora2019exact',
  authors: ['Sanjeev Arora', 'Simon S. Du', 'Wei Hu', 'Zhiyuan Li', 'Ruslan Salakhutdinov', 'Ruosong Wang'],
  year: 2019,
  title: 'On Exact Computation with an Infinitely Wide Neural Net',
  venue: 'Advances in Neural Information Processing Systems 32 (NeurIPS 2019)',
  ...arxiv('1904.11955'),
};

export const yangSalman2019: Work = {
  key: 'yang2019finegrained',
  authors: ['Greg Yang', 'Hadi Salman'],
  year: 2019,
  title: 'A Fine-Grained Spectral Perspective on Neural Networks',
  venue: 'arXiv preprint',
  ...arxiv('1907.10599'),
};

export const chizatOyallonBach2019: Work = {
  key: 'chizat2019lazy',
  authors: ['Lénaïc Chizat', 'Edouard Oyallon', 'Francis Bach'],
  year: 2019,
  title: 'On Lazy Training in Differentiable Programming',
  venue: 'Advances in Neural Information Processing Systems 32 (NeurIPS 2019)',
  ...arxiv('1812.07956'),
};

export const jacotGabrielHongler2020: Work = {
  key: 'jacot2020hessian',
  authors: ['Arthur Jacot', 'Franck Gabriel', 'Clément Hongler'],
  year: 2020,
  title: 'The Asymptotic Spectrum of the Hessian of DNN Throughout Training',
  venue: 'International Conference on Learning Representations (ICLR 2020)',
  ...arxiv('1910.02875'),
};

export const lewkowyczEtAl2020: Work = {
  key: 'lewkowycz2020catapult',
  authors: ['Aitor Lewkowycz', 'Yasaman Bahri', 'Ethan Dyer', 'Jascha Sohl-Dickstein', 'Guy Gur-Ari'],
  year: 2020,
  title: 'The large learning rate phase of deep learning: the catapult mechanism',
  venue: 'arXiv preprint',
  ...arxiv('2003.02218'),
};

export const basriEtAl2020: Work = {
  key: 'basri2020frequency',
  authors: ['Ronen Basri', 'Meirav Galun', 'Amnon Geifman', 'David Jacobs', 'Yoni Kasten', 'Shira Kritchman'],
  year: 2020,
  title: 'Frequency Bias in Neural Networks for Input of Non-Uniform Density',
  venue: 'Proceedings of the 37th International Conference on Machine Learning (ICML 2020)',
  ...arxiv('2003.04560'),
};

/** Every work above, in the order of docs/references.md. */
export const works: readonly Work[] = [
  kopitkovIndelman2020,
  jacotGabrielHongler2018,
  aroraEtAl2019Exact,
  yangSalman2019,
  chizatOyallonBach2019,
  jacotGabrielHongler2020,
  lewkowyczEtAl2020,
  basriEtAl2020,
];

/** A claim's source: `work` at `where` (a section, theorem, equation or figure of it). */
export function cite(work: Work, where: string): Source {
  return { ...work, where };
}
