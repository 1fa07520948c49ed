// Figures of the locks plane (filled in with the plane): each beside its target and the physical limit measured in the same run.
import type { BenchSizes } from './config.js';
import type { Cleanup } from './cleanup.js';
import type { Figure } from './figures.js';

export interface PlaneBenchContext {
  /** The run's temp dir: make a sub-directory for this plane's own daemon (keep socket paths short). */
  home: string;
  cleanup: Cleanup;
}

export async function measureLockFigures(_sizes: BenchSizes, _ctx: PlaneBenchContext): Promise<Figure[]> {
  return [];
}
