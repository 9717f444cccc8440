/**
 * A progress bar on stderr for tiled kernel work, when stderr is a terminal and `wanted`; cli-progress is
 * loaded only then (start-up stays fast for scripts and small jobs). `onProgress(done, total)` feeds it.
 */
export async function tileProgress(
  wanted: boolean,
): Promise<{ onProgress?: (done: number, total: number) => void; stop(): void }> {
  if (!wanted || !process.stderr.isTTY) return { stop: () => undefined };
  const cliProgress = (await import('cli-progress')).default;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
