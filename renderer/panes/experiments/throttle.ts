/**
 * "At most once per interval" for live reloads: the first trigger runs at once, triggers within
 * the interval after it fold into one trailing run at the interval's end.
 */

/** Pure: milliseconds to wait before running again (0: run now). */
export function throttleDelay(lastRunAt: number | null, now: number, intervalMs: number): number {
  if (lastRunAt === null) return 0;
  return Math.max(0, lastRunAt + intervalMs - now);
}

export interface Throttle {
  trigger(): void;
  cancel(): void;
}

/** Wiring: `run` at most once per `intervalMs` (asked afresh each time when a function), trailing trigger kept. */
export function createThrottle(run: () => void, intervalMs: number | (() => number), clock: () => number = Date.now): Throttle {
  const interval = typeof intervalMs === 'function' ? intervalMs : () => intervalMs;
  let lastRunAt: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    lastRunAt = clock();
    run();
  };
  return {
    trigger() {
      if (timer !== null) return;
      const delay = throttleDelay(lastRunAt, clock(), interval());
      if (delay === 0) fire();
      else timer = setTimeout(fire, delay);
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      lastRunAt = null;
    },
  };
}
