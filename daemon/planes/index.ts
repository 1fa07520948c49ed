// Every plane's handlers in one table; the type demands a handler for every method the contract declares.
import type { Contract } from '../../rpc/contract/index.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';
import { systemHandlers } from './system.js';
import { eventsHandlers } from './events.js';
import { daemonHandlers } from './daemon.js';

export function createHandlers(deps: PlaneDeps): HandlersFor<Contract> {
  return {
    ...systemHandlers(deps),
    ...eventsHandlers(deps),
    ...daemonHandlers(deps),
  };
}
