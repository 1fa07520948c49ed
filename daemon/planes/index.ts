// Every plane's handlers in one table; the type demands a handler for every method the contract declares.
import type { Contract } from '../../rpc/contract/index.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';
import { systemHandlers } from './system.js';
import { eventsHandlers } from './events.js';
import { daemonHandlers } from './daemon.js';
import { configHandlers } from './config.js';
import { auditHandlers } from './audit.js';
import { sessionsHandlers } from './sessions.js';
import { projectsHandlers } from './projects.js';
import { messagesHandlers } from './messages.js';
import { resourcesHandlers } from './resources.js';
import { locksHandlers } from './locks.js';
import { tasksHandlers } from './tasks.js';
import { approvalsHandlers } from './approvals.js';
import { nudgesHandlers } from './nudges.js';
import { mcpTokensHandlers } from './mcp-tokens.js';

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
  };
}
