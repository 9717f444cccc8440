// Fenced code blocks of the project's Markdown files, for the doc tests: which blocks are code, which
// lines are `ntk …` command lines, and which blocks are marked as excerpts (`<!-- excerpt -->`, or any
// HTML comment starting with "excerpt", on the last non-blank line before the opening fence).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  /** Path relative to the repository, e.g. `docs/training.md`. */
  readonly file: string;
  /** 1-based line of the block's first content line. */
  readonly line: number;
  /** The info string's first word, lower case ('' when none). */
  readonly lang: string;
  readonly code: string;
  /** Marked as an excerpt: not compiled, not run. */
  readonly excerpt: boolean;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const EXCERPT = /^\s*<!--\s*excerpt\b[^]*-->\s*$/i;

/** The fenced blocks of one Markdown text (CommonMark fences: ``` or ~~~, closed by a fence at least as long). */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const out: CodeBlock[] = [];
  let prev = '';
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE.exec(lines[i]);
    if (!m) {
      if (lines[i].trim() !== '') prev = lines[i];
      continue;
    }
    const [, indent, fence, info] = m;
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !close.test(lines[j]); j++)
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    out.push({
      file,
      line: i + 2,
      lang: info.toLowerCase(),
      code: body.join('\n') + '\n',
      excerpt: EXCERPT.test(prev),
    });
    prev = '';
    i = j;
  }
  return out;
}

/** README.md and docs/*.md (not the generated docs/api) of the repository at `root`, in a fixed order. */
export function projectMarkdown(root: string): { file: string; text: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
}

const CODE_LANGS: Record<string, 'ts' | 'js'> = {
  ts: 'ts',
  typescript: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
};

/** 'ts' / 'js' for TypeScript / JavaScript blocks, null for the others. */
export function codeLanguage(block: CodeBlock): 'ts' | 'js' | null {
  return CODE_LANGS[block.lang] ?? null;
}

const NTK_CALL = /(^|[;&|(]\s*)(npx\s+ntk|ntk|node\s+bin\/ntk\.js)(\s|$)/;

/**
 * The `ntk …` command lines of a shell-like block (sh, bash, shell, console, or no language), with a
 * leading `$ ` prompt removed; each with its 1-based line in the Markdown file.
 */
export function ntkCommands(block: CodeBlock): { line: number; command: string }[] {
  if (!['', 'sh', 'bash', 'shell', 'console', 'text'].includes(block.lang)) return [];
  const out: { line: number; command: string }[] = [];
  block.code.split('\n').forEach((raw, k) => {
    const command = raw.replace(/^\s*\$\s+/, '').trim();
    if (command.startsWith('#') || !NTK_CALL.test(command)) return;
    out.push({ line: block.line + k, command });
  });
  return out;
}
