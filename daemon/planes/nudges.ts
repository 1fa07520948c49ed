// The nudges plane.
import { nudgesMethods } from '../../rpc/contract/nudges.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function nudgesHandlers(_deps: PlaneDeps): HandlersFor<typeof nudgesMethods> {
  return {};
}
