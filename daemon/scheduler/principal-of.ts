// A schedule runs as whoever made it: the operator, or its agent held to one project as a token would be.
import { OPERATOR } from '../../rpc/contract/common.js';
import { OPERATOR_PRINCIPAL, type Principal } from '../principals/principal.js';
import type { ScheduleRow } from '../store/schedules.js';

export function principalOf(schedule: ScheduleRow): Principal {
  if (schedule.created_by === OPERATOR) return OPERATOR_PRINCIPAL;
  // No token exists behind it: it names the schedule, so the audit trail shows which one acted.
  return { kind: 'token', project_id: schedule.project_id, agent_name: schedule.created_by, token_hash: `schedule:${schedule.name}`, sessions: new Set() };
}
