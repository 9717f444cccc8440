/**
 * `npm run bench [-- filter ...]`: run every benchmark case in bench/cases/ whose name contains one
 * of the filters (all when none), print the timing, ratio and acceptance tables, and write
 * bench/results/latest.json. A filter `case:part` runs only the parts of that case whose name
 * contains `part` (e.g. `linalg:eigh`). `--list` prints the cases. NTK_BENCH_REPS sets the timed
 * runs per task.
 *
 * A new case is a module bench/cases/<name>.ts exporting `benchCase: BenchCase` (see harness.ts).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { writeFileAtomic } from '../src/io/atomicWrite.js';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContext, type BenchCase, type RunState } from './harness.js';
import { peersDir, python, repoRoot } from './peers.js';
import { fmt, formatTable } from './table.js';

async function discover(): Promise<BenchCase[]> {
  const here = fileURLToPath(import.meta.url);
  const dir = join(dirname(here), 'cases');
  const ext = extname(here); // .js when compiled, .ts under a TypeScript loader
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`) && !f.endsWith(`.d${ext}`))
    .sort();
  const cases: BenchCase[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { benchCase?: BenchCase };
    const c = mod.benchCase;
    if (!c || typeof c.name !== 'string' || typeof c.run !== 'function') {
      throw new Error(
        `bench/cases/${f}: expected an export 'benchCase' with { name, description, run(ctx) }`,
      );
    }
    cases.push(c);
  }
  return cases;
}

function parseReps(): number {
  const raw = process.env.NTK_BENCH_REPS ?? '3';
  const reps = Number(raw);
  if (!Number.isInteger(reps) || reps < 1)
    throw new Error(`NTK_BENCH_REPS must be a positive integer, got '${raw}'`);
  return reps;
}

function summary(state: RunState): string {
  const out: string[] = [];
  out.push(
    formatTable(
      ['case', 'task', 'size', 'impl', 'seconds', 'rate', 'note'],
      state.rows.map((r) => [
        r.case,
        r.task,
        r.size,
        r.impl,
        r.seconds === null ? '—' : fmt(r.seconds),
        r.rate ? `${fmt(r.rate.value)} ${r.rate.unit}` : '',
        r.note ?? '',
      ]),
    ),
  );
  if (state.ratios.length > 0) {
    out.push('', 'ours / peer (time ratio < 1 or rate ratio > 1: ours is faster)');
    out.push(
      formatTable(
        ['case', 'task', 'size', 'ours/peer', 'by', 'ratio'],
        state.ratios.map((q) => [q.case, q.task, q.size, `${q.ours}/${q.peer}`, q.by, fmt(q.value)]),
      ),
    );
  }
  if (state.checks.length > 0) {
    out.push('', 'acceptance');
    out.push(
      formatTable(
        ['case', 'criterion', 'value', 'target', 'result'],
        state.checks.map((c) => [
          c.case,
          c.label,
          fmt(c.value),
          c.criterion,
          c.pass === null ? 'not measured' : c.pass ? 'PASS' : 'FAIL',
        ]),
      ),
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const filters = args.filter((a) => !a.startsWith('--'));
  const cases = await discover();
  if (args.includes('--list')) {
    for (const c of cases) console.log(`${c.name.padEnd(16)} ${c.description}`);
    return;
  }
  const parsed = filters.map((f) => {
    const at = f.indexOf(':');
    return at < 0 ? { name: f, part: null } : { name: f.slice(0, at), part: f.slice(at + 1) };
  });
  const matching = (c: BenchCase) => parsed.filter((f) => c.name.includes(f.name));
  const chosen = cases.filter((c) => filters.length === 0 || matching(c).length > 0);
  /** null = every part of the case. */
  const partsOf = (c: BenchCase): string[] | null => {
    const m = matching(c);
    return m.length === 0 || m.some((f) => f.part === null) ? null : m.map((f) => f.part as string);
  };
  if (chosen.length === 0) {
    throw new Error(
      `no benchmark case matches ${JSON.stringify(filters)}; cases: ${cases.map((c) => c.name).join(', ')}`,
    );
  }
  const reps = parseReps();
  const state: RunState = { info: {}, rows: [], ratios: [], checks: [] };
  const started = new Date();
  console.log(
    `ntk-lab bench: ${chosen.map((c) => c.name).join(', ')}; ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}); ` +
      `node ${process.version}; up to ${reps} timed runs per task; peers ${peersDir()} with ${python()}`,
  );
  const loadBefore = loadavg()[0];
  if (loadBefore > 0.5) {
    console.log(
      `warning: 1-minute load average is ${loadBefore.toFixed(2)} on ${cpus().length} CPUs; other work skews the timings`,
    );
  }
  const failures: Array<{ case: string; error: string }> = [];
  for (const c of chosen) {
    console.log(`\n== ${c.name}: ${c.description}`);
    try {
      await c.run(createContext(c.name, state, reps, partsOf(c)));
    } catch (err) {
      // One broken case does not lose the others' results; the exit code says it failed.
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push({ case: c.name, error });
      console.error(`  [${c.name}] FAILED: ${error}`);
    }
  }
  console.log(`\n${summary(state)}`);

  const dir = join(repoRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const common = {
    started: started.toISOString(),
    finished: new Date().toISOString(),
    loadAverage1m: { before: loadBefore, after: loadavg()[0] },
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? null,
      memoryBytes: totalmem(),
      platform: process.platform,
      arch: process.arch,
    },
    node: process.version,
    env: {
      OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? null,
      OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? null,
    },
    filters,
    reps,
  };
  // latest.json: this whole run; <case>.json: the latest run of each case (cases are often run alone).
  writeFileAtomic(join(dir, 'latest.json'), toJson({ ...common, ...state, failures }));
  for (const c of chosen) {
    const mine = <T extends { case: string }>(xs: T[]): T[] => xs.filter((x) => x.case === c.name);
    const info = Object.fromEntries(Object.entries(state.info).filter(([k]) => k.startsWith(`${c.name}.`)));
    writeFileAtomic(
      join(dir, `${c.name}.json`),
      toJson({
        ...common,
        info,
        rows: mine(state.rows),
        ratios: mine(state.ratios),
        checks: mine(state.checks),
        failures: failures.filter((f) => f.case === c.name),
      }),
    );
  }
  console.log(`\nwrote ${join(dir, 'latest.json')} and ${chosen.map((c) => `${c.name}.json`).join(', ')}`);
  if (failures.length > 0) {
    console.error(`\n${failures.length} case(s) failed: ${failures.map((f) => f.case).join(', ')}`);
    process.exitCode = 1;
  }
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
