// The scheduler's sense of time, injectable: the system clock (optionally shifted, for tests only) or a test's fake one.
export interface SchedulerClock {
  /** Now, in ms since the epoch. */
  now(): number;
  /** Call fn after ms (the one timer); returns what clearTimer takes. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * The system clock, `offsetMs` ahead. BRAINS_SCHEDULER_CLOCK_OFFSET_MS sets the offset for tests that simulate downtime
 * or a clock step against a real daemon; it is a test knob, not a setting.
 */
export function systemClock(offsetMs = 0): SchedulerClock {
  return {
    now: () => Date.now() + offsetMs,
    setTimer: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      timer.unref();
      return timer;
    },
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

export function clockOffsetFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.BRAINS_SCHEDULER_CLOCK_OFFSET_MS;
  const value = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(value) ? value : 0;
}
