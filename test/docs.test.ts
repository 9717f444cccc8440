// Doc tests: every TypeScript / JavaScript block of README.md and docs/*.md is compiled with `tsc --strict`
// against the built package (a temp project whose node_modules/ntk-lab links to this repository) and run;
// every `ntk …` command line of their shell blocks runs, in order, on the small inputs of
// writeFixtures (project.testutil.ts). A block preceded by `<!-- excerpt -->` is neither compiled nor run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  codeBlocks,
  codeLanguage,
  ntkCommands,
  projectMarkdown,
  type CodeBlock,
} from './markdown.testutil.js';
import { REPO, compileProject, runShell, writeFixtures, writeProject } from './project.testutil.js';

const docs = projectMarkdown(REPO).map(({ file, text }) => ({ file, blocks: codeBlocks(file, text) }));
const code = docs.flatMap((d) => d.blocks.filter((b) => !b.excerpt && codeLanguage(b) !== null));
const moduleName = (b: CodeBlock): string =>
  `${b.file.replace(/[/.]/g, '_')}_L${b.line}.${codeLanguage(b) === 'ts' ? 'ts' : 'mjs'}`;

let dir = '';
let compiled: ReturnType<typeof compileProject>;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ntk-doctest-'));
  writeProject(dir);
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(REPO, join(dir, 'node_modules', 'ntk-lab'), 'dir');
  symlinkSync(
    join(REPO, 'node_modules', '@types', 'node'),
    join(dir, 'node_modules', '@types', 'node'),
    'dir',
  );
  for (const b of code) writeFileSync(join(dir, 'src', moduleName(b)), b.code);
  compiled = compileProject(dir);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('code blocks compile under --strict against the built package and run', () => {
  for (const b of code) {
    test(`${b.file}:${b.line} (${b.lang})`, () => {
      const errors = compiled.byFile.get(`src/${moduleName(b)}`) ?? [];
      assert.deepEqual(errors, [], `${b.file}:${b.line}: tsc --strict reports\n${errors.join('\n')}`);
      const work = join(dir, `run-L${b.line}-${moduleName(b)}`);
      writeFixtures(work);
      const js = join(dir, 'out', moduleName(b).replace(/\.ts$/, '.js'));
      const r = spawnSync(process.execPath, [js], {
        cwd: work,
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, NTK_QUIET: '1' },
      });
      assert.equal(
        r.status,
        0,
        `${b.file}:${b.line} exited ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stderr}`,
      );
    });
  }
});

describe('every `ntk …` command line runs on small inputs', () => {
  for (const { file, blocks } of docs) {
    const commands = blocks.filter((b) => !b.excerpt).flatMap(ntkCommands);
    if (commands.length === 0) continue;
    test(file, () => {
      const work = join(dir, `sh-${file.replace(/[/.]/g, '_')}`);
      writeFixtures(work);
      for (const c of commands) {
        const r = runShell(c.command, work, join(REPO, 'bin', 'ntk.js'));
        assert.equal(
          r.status,
          0,
          `${file}:${c.line}: \`${c.command}\` exited ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stderr.slice(-2000)}`,
        );
      }
    });
  }
});
