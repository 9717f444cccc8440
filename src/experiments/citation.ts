import type { Work } from './types.js';

/** A surname: the last word of a full name ('Clément Hongler' → 'Hongler'). */
function surname(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts[parts.length - 1];
}

/** Author–year form: 'Kopitkov & Indelman (2020)', 'Jacot, Gabriel & Hongler (2018)', 'Arora et al. (2019)'. */
export function shortCitation(w: Work): string {
  const names = w.authors.map(surname);
  const who =
    names.length === 1
      ? names[0]
      : names.length <= 3
        ? `${names.slice(0, -1).join(', ')} & ${names[names.length - 1]}`
        : `${names[0]} et al.`;
  return `${who} (${w.year})`;
}

/** The full reference: 'A. B, C. D and E. F (year). Title. Venue. arXiv:id.' */
export function citationText(w: Work): string {
  const who =
    w.authors.length === 1
      ? w.authors[0]
      : `${w.authors.slice(0, -1).join(', ')} and ${w.authors[w.authors.length - 1]}`;
  const title = /[.?!]$/.test(w.title) ? w.title : `${w.title}.`;
  const id = w.arxiv === undefined ? '' : ` arXiv:${w.arxiv}.`;
  return `${who} (${w.year}). ${title} ${w.venue}.${id}`;
}
