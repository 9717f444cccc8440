/**
 * The benchmark harness: what a case module sees. A case is a module in bench/cases/ exporting
 * `benchCase: BenchCase`; run.ts discovers the cases, builds one BenchContext for the whole run, and
 * prints and saves what the cases recorded.
 *
 * A case records timing rows (ours and the peers'), then states comparisons (our/peer ratios) and
 * acceptance checks on them. Rows, ratios and checks all end up in bench/results/latest.json.
 */
import { runPeer, type PeerOptions, type PeerRun } from './peers.js';

export interface BenchCase {
  /** Short name, matched by the filter arguments of `npm run bench -- <filter>`. */
  readonly name: string;
  /** One line saying what is timed. */
  readonly description: string;
  run(ctx: BenchContext): Promise<void>;
}

/** One timed task: ours (per backend) or a peer's. `seconds` is null when the task was skipped. */
export interface Row {
  case: string;
  /** What was done, e.g. 'gemm', 'eigh values+vectors'. */
  task: string;
  /** Problem size, e.g. 'n=2000'. */
  size: string;
  /** Who did it: 'ts', 'blas', 'numpy', … */
  impl: string;
  seconds: number | null;
  /** A derived throughput, e.g. { value: 87.2, unit: 'GFLOP/s' }. */
  rate?: { value: number; unit: string };
  /** How the time was taken or why the task was skipped. */
  note?: string;
}

/** ours/peer for one task and size: by time (lower is better for us) or by rate. */
export interface Ratio {
  case: string;
  task: string;
  size: string;
  ours: string;
  peer: string;
  by: 'seconds' | 'rate';
  /** ours/peer; null when either side is missing. */
  value: number | null;
}

export interface Check {
  case: string;
  label: string;
  value: number | null;
  /** e.g. '≥ 0.8' */
  criterion: string;
  pass: boolean | null;
}

export interface Timing {
  /** Best (smallest) wall time over the timed runs, in seconds. */
  best: number;
  /** Median wall time over the timed runs, in seconds. */
  median: number;
  runs: number;
  /** '…best of N' description for the row note. */
  note: string;
}

export interface MeasureOptions {
  /** Timed runs at most (default: the context's `reps`). */
  reps?: number;
  /** Stop repeating once this much time was spent (default 3 s). */
  budgetSeconds?: number;
  /** Run once untimed first (JIT warm-up, page faults); a warm-up longer than the budget counts as the only run. */
  warmup?: boolean;
}

export interface BenchContext {
  /** Timed runs per task (NTK_BENCH_REPS, default 3). */
  readonly reps: number;
  /** Whether a part of the case was asked for (`npm run bench -- linalg:eigh` runs only the parts named 'eigh…'). */
  wants(part: string): boolean;
  /** Print one progress or information line. */
  log(line: string): void;
  /** Print and save a named fact about the run (thread counts, library versions, …). */
  info(key: string, value: string | number | null): void;
  /** Time a synchronous task. */
  measure(fn: () => void, opts?: MeasureOptions): Timing;
  record(row: Omit<Row, 'case'>): Row;
  /** A row this case recorded (by task, size, impl). */
  row(task: string, size: string, impl: string): Row | undefined;
  /** Record ours/peer from rows already recorded (by task, size, impl); asking twice records it once. */
  compare(task: string, size: string, ours: string, peer: string, by: 'seconds' | 'rate'): Ratio;
  /** An acceptance criterion on a number (null = not measured: neither pass nor fail). */
  accept(label: string, value: number | null, criterion: { min?: number; max?: number }): Check;
  /** Run a peer script from the peers directory with the system Python (see peers.ts). */
  peer(script: string, args: string[], opts?: PeerOptions): PeerRun;
}

export interface RunState {
  info: Record<string, string | number | null>;
  rows: Row[];
  ratios: Ratio[];
  checks: Check[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function timeOnce(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export function measure(fn: () => void, reps: number, opts: MeasureOptions = {}): Timing {
  const maxRuns = opts.reps ?? reps;
  const budget = opts.budgetSeconds ?? 3;
  const times: number[] = [];
  if (opts.warmup ?? true) {
    const w = timeOnce(fn);
    if (w > budget) times.push(w);
  }
  let spent = times.reduce((a, b) => a + b, 0);
  while (times.length < maxRuns && (times.length === 0 || spent < budget)) {
    const t = timeOnce(fn);
    times.push(t);
    spent += t;
  }
  const best = Math.min(...times);
  return {
    best,
    median: median(times),
    runs: times.length,
    note: times.length === 1 ? 'one run' : `best of ${times.length}`,
  };
}

/** The context handed to one case; everything it records goes into `state`. */
export function createContext(
  caseName: string,
  state: RunState,
  reps: number,
  parts: string[] | null,
): BenchContext {
  const find = (task: string, size: string, impl: string): Row | undefined =>
    state.rows.find((r) => r.case === caseName && r.task === task && r.size === size && r.impl === impl);
  return {
    reps,
    wants: (part) => parts === null || parts.some((p) => part.includes(p)),
    log: (line) => console.log(`  [${caseName}] ${line}`),
    info(key, value) {
      state.info[`${caseName}.${key}`] = value;
      console.log(`  [${caseName}] ${key}: ${value ?? 'unknown'}`);
    },
    measure: (fn, opts) => measure(fn, reps, opts),
    record(row) {
      const full: Row = { case: caseName, ...row };
      state.rows.push(full);
      const what = full.seconds === null ? 'skipped' : `${full.seconds.toFixed(3)} s`;
      const rate = full.rate ? `, ${full.rate.value.toFixed(1)} ${full.rate.unit}` : '';
      console.log(
        `  [${caseName}] ${full.task} ${full.size} ${full.impl}: ${what}${rate}${full.note ? ` (${full.note})` : ''}`,
      );
      return full;
    },
    row: find,
    compare(task, size, ours, peer, by) {
      const a = find(task, size, ours);
      const b = find(task, size, peer);
      const pick = (r: Row | undefined): number | null =>
        r === undefined ? null : by === 'rate' ? (r.rate?.value ?? null) : r.seconds;
      const x = pick(a);
      const y = pick(b);
      const ratio: Ratio = {
        case: caseName,
        task,
        size,
        ours,
        peer,
        by,
        value: x !== null && y !== null && y > 0 ? x / y : null,
      };
      const same = state.ratios.findIndex(
        (q) =>
          q.case === caseName &&
          q.task === task &&
          q.size === size &&
          q.ours === ours &&
          q.peer === peer &&
          q.by === by,
      );
      if (same >= 0) state.ratios[same] = ratio;
      else state.ratios.push(ratio);
      return ratio;
    },
    accept(label, value, { min, max }) {
      const parts = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(
        Boolean,
      );
      const pass =
        value === null ? null : (min === undefined || value >= min) && (max === undefined || value <= max);
      const check: Check = { case: caseName, label, value, criterion: parts.join(' and '), pass };
      state.checks.push(check);
      return check;
    },
    peer: (script, args, opts) => runPeer(script, args, opts),
  };
}
