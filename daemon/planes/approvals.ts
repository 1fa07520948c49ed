// The approvals and handoffs plane.
import { approvalsMethods } from '../../rpc/contract/approvals.js';
import type { HandlersFor } from '../server/dispatcher.js';
import type { PlaneDeps } from './deps.js';

export function approvalsHandlers(_deps: PlaneDeps): HandlersFor<typeof approvalsMethods> {
  return {};
}
