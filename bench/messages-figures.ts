// Figures of the messages plane (filled in with the plane): each beside its target and the physical limit measured in the same run.
import type { BenchSizes } from './config.js';
import type { Figure, PlaneBenchContext } from './figures.js';

export async function measureMessageFigures(_sizes: BenchSizes, _ctx: PlaneBenchContext): Promise<Figure[]> {
  return [];
}
