import { say } from './cluster.js';

/**
 * The steps of a suite, in order, each needing the ones before it: after a failure the rest are skipped,
 * naming the failed step. Each step's wall time is kept for the suite's closing `timings:` line.
 */
export function stepRunner() {
  const timings: [string, number][] = [];
  let broken = '';
  const timed = (name: string, body: () => Promise<void>) => async (context: { skip: (note?: string) => void }) => {
    if (broken) return context.skip(`an earlier step failed: ${broken}`);
    const begun = Date.now();
    try {
      await body();
    } catch (error) {
      broken = name;
      throw error;
    } finally {
      timings.push([name, (Date.now() - begun) / 1000]);
    }
  };
  const sayTimings = () => say(`timings: ${timings.map(([name, seconds]) => `${name} ${seconds.toFixed(0)}s`).join(', ')}`);
  return { timed, sayTimings };
}

export const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Runs `sample` now and every `intervalMs` until `stop()`, which resolves once the last run is done. */
export function every(intervalMs: number, sample: () => void) {
  let running = true;
  const loop = (async () => {
    while (running) {
      sample();
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}
