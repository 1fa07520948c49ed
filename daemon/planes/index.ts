// Every plane's handlers in one table; the type demands a handler for every method the contract declares.
import type { Contract } from '../../rpc/contract/index.js';
import type { HandlersFor } from './shared/call.js';
import type { PlaneDeps } from './shared/deps.js';
import { systemHandlers } from './system/handlers.js';
import { eventsHandlers } from './events/handlers.js';
import { daemonHandlers } from './daemon/handlers.js';
import { configHandlers } from './config/handlers.js';
import { auditHandlers } from './audit/handlers.js';
import { sessionsHandlers } from './sessions/handlers.js';
import { projectsHandlers } from './projects/handlers.js';
import { messagesHandlers } from './messages/handlers.js';
import { resourcesHandlers } from './resources/handlers.js';
import { locksHandlers } from './locks/handlers.js';
import { tasksHandlers } from './tasks/handlers.js';
import { approvalsHandlers } from './approvals/handlers.js';
import { nudgesHandlers } from './nudges/handlers.js';
import { mcpTokensHandlers } from './tokens/handlers.js';
import { agentsHandlers } from './agents/handlers.js';
import { schedulesHandlers } from './schedules/handlers.js';
import { gatewayHandlers } from './gateway/handlers.js';

export function createHandlers(deps: PlaneDeps): HandlersFor<Contract> {
  return {
    ...systemHandlers(deps),
    ...eventsHandlers(deps),
    ...daemonHandlers(deps),
    ...configHandlers(deps),
    ...auditHandlers(deps),
    ...sessionsHandlers(deps),
    ...projectsHandlers(deps),
    ...messagesHandlers(deps),
    ...resourcesHandlers(deps),
    ...locksHandlers(deps),
    ...tasksHandlers(deps),
    ...approvalsHandlers(deps),
    ...nudgesHandlers(deps),
    ...mcpTokensHandlers(deps),
    ...agentsHandlers(deps),
    ...schedulesHandlers(deps),
    ...gatewayHandlers(deps),
  };
}
