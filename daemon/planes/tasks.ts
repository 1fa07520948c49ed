// The tasks plane.
import { tasksMethods } from '../../rpc/contract/tasks.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function tasksHandlers(_deps: PlaneDeps): HandlersFor<typeof tasksMethods> {
  return {};
}
