// The locks plane.
import { locksMethods } from '../../rpc/contract/locks.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function locksHandlers(_deps: PlaneDeps): HandlersFor<typeof locksMethods> {
  return {};
}
