// The contract: every method and notification of the daemon, in one table keyed by `plane.verb`.
import type { z } from 'zod';
import { systemMethods } from './system.js';
import { eventsMethods, eventsNotifications } from './events.js';
import { daemonMethods } from './daemon.js';
import { configMethods } from './config.js';
import { auditMethods } from './audit.js';
import { sessionsMethods } from './sessions.js';
import { projectsMethods } from './projects.js';
import { messagesMethods } from './messages.js';
import { resourcesMethods } from './resources.js';
import { locksMethods } from './locks.js';
import { tasksMethods } from './tasks.js';
import { approvalsMethods } from './approvals.js';
import { nudgesMethods } from './nudges.js';
import { mcpMethods } from './mcp.js';
import { agentsMethods } from './agents.js';
import { schedulesMethods } from './schedules.js';
import { gatewayMethods } from './gateway.js';

export const contract = {
  ...systemMethods,
  ...eventsMethods,
  ...daemonMethods,
  ...configMethods,
  ...auditMethods,
  ...sessionsMethods,
  ...projectsMethods,
  ...messagesMethods,
  ...resourcesMethods,
  ...locksMethods,
  ...tasksMethods,
  ...approvalsMethods,
  ...nudgesMethods,
  ...mcpMethods,
  ...agentsMethods,
  ...schedulesMethods,
  ...gatewayMethods,
};

export const notifications = {
  ...eventsNotifications,
};

export type Contract = typeof contract;
export type MethodName = keyof Contract & string;
export type NotificationName = keyof typeof notifications & string;
/** What a caller may send (defaults not yet applied). */
export type ParamsIn<M extends MethodName> = z.input<Contract[M]['params']>;
/** What a handler receives (after validation and defaults). */
export type ParamsOut<M extends MethodName> = z.output<Contract[M]['params']>;
export type Result<M extends MethodName> = z.output<Contract[M]['result']>;
export type NotificationParams<N extends NotificationName> = z.output<(typeof notifications)[N]['params']>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export { eventRecord, type EventRecord } from './common.js';
