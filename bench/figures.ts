// The figures the benchmark reports: each value beside the physical limit measured in the same run, and its target if it has one.

import type { Cleanup } from './cleanup.js';

/** What a plane's figures get from the run: a temp dir for its own daemon, and where to register what must be stopped. */
export interface PlaneBenchContext {
  /** The run's temp dir: make a short sub-directory for this plane's own daemon (socket paths are limited). */
  home: string;
  cleanup: Cleanup;
}

export type Unit = 'µs' | 'ms' | 'req/s' | 'events/s' | 'msgs/s' | 'ops/s' | 'MiB' | 'fps' | '%';

export interface Target {
  text: string;
  /** null when the value or the limit could not be measured. */
  met: boolean | null;
}

export interface Figure {
  key: string;
  label: string;
  unit: Unit;
  value: number | null;
  limitKey: string;
  limitLabel: string;
  limit: number | null;
  target: Target | null;
}

/** Target: the value is at most `factor` times the physical limit. */
export function withinFactorOfLimit(factor: number, value: number | null, limit: number | null): Target {
  return { text: `≤ ${factor}× limit`, met: value === null || limit === null ? null : value <= factor * limit };
}

/** Target: the value is at most a fixed amount. */
export function atMost(amount: number, unit: Unit, value: number | null): Target {
  return { text: `≤ ${amount} ${unit}`, met: value === null ? null : value <= amount };
}

/** Every figure and limit by key, plus which targets were met: the machine-readable line a note can quote. */
export function figuresJson(figures: readonly Figure[], context: Record<string, unknown>): string {
  const values: Record<string, number | null> = {};
  const targetsMet: Record<string, boolean | null> = {};
  for (const figure of figures) {
    values[figure.key] = round(figure.value);
    values[figure.limitKey] = round(figure.limit);
    if (figure.target) targetsMet[figure.key] = figure.target.met;
  }
  return JSON.stringify({ ...context, figures: values, targets_met: targetsMet });
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
