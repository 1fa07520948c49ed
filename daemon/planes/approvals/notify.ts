// Tells the requester (and, for a handoff, the coordinator in cc) of a decision as a direct message, in the deciding transaction.
import type { Emit } from '../../events/mutate.js';
import type { ApprovalRow } from '../../store/approvals.js';
import type { PlaneDeps } from '../shared/deps.js';
import { postMessage } from '../messages/post.js';

/** What the decision message carries; also the data of the approval.decided event. */
export function decisionNotice(row: ApprovalRow, approvalId: string) {
  return {
    approval_id: approvalId,
    kind: row.kind,
    requested_by: row.requested_by,
    cc: JSON.parse(row.cc) as string[],
    title: row.title,
    decision: row.decision,
    status: row.status,
    decided_by: row.decided_by,
    comment: row.comment,
  };
}

/** One direct message from the decider to each addressee still in the project, posted as message.send posts. Returns the ids. */
export function sendDecisionMessages(deps: PlaneDeps, emit: Emit, row: ApprovalRow, approvalId: string): string[] {
  const members = new Set(deps.store.projects.memberNames(row.project_id));
  const addressees = [row.requested_by, ...(JSON.parse(row.cc) as string[])].filter((name, i, all) => members.has(name) && all.indexOf(name) === i);
  const payload = JSON.stringify({ type: 'approval.decided', ...decisionNotice(row, approvalId) });
  const metadata = JSON.stringify({ approval_id: approvalId, kind: row.kind, system: true });
  return addressees.map((to) =>
    postMessage(deps, emit, { project_id: row.project_id, from_agent: row.decided_by ?? 'operator', to_agent: to, recipients: [to], payload, metadata }),
  );
}
