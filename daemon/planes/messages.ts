// The messages plane.
import { messagesMethods } from '../../rpc/contract/messages.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function messagesHandlers(_deps: PlaneDeps): HandlersFor<typeof messagesMethods> {
  return {};
}
