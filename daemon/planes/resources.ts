// The resources plane.
import { resourcesMethods } from '../../rpc/contract/resources.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function resourcesHandlers(_deps: PlaneDeps): HandlersFor<typeof resourcesMethods> {
  return {};
}
