/**
 * Signals of the `ntk` commands (docs/conventions.md §4): SIGINT, SIGTERM and SIGHUP are handled alike.
 * A long command that can stop at a checkpoint registers `onStopSignal`: the first signal asks it to stop
 * (it then writes what was computed), a second one exits at once. While outputs are written,
 * `deferSignals` makes a signal wait for the (synchronous) write to finish, then exit — so a signal never
 * leaves a partial set of outputs. Exit codes follow the shell: 128 + the signal number.
 */

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const NUMBER: Record<StopSignal, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };

/** The exit code of a process stopped by `sig` (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). */
export function signalExitCode(sig: StopSignal): number {
  return 128 + NUMBER[sig];
}

/** Call `stop(signal)` on the first of SIGINT/SIGTERM/SIGHUP; exit on the second. Returns the remover. */
export function onStopSignal(stop: (sig: StopSignal) => void): () => void {
  let stopped = false;
  const handlers = STOP_SIGNALS.map((sig) => {
    const h = (): void => {
      if (stopped) process.exit(signalExitCode(sig));
      stopped = true;
      stop(sig);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  return () => {
    for (const [sig, h] of handlers) process.off(sig, h);
  };
}

/**
 * From now on, a stop signal exits (128 + n) once the current synchronous work — the writing of the
 * outputs — is done, instead of killing the process mid-write. Call it just before writing the outputs.
 */
export function deferSignals(): void {
  for (const sig of STOP_SIGNALS) process.on(sig, () => process.exit(signalExitCode(sig)));
}
