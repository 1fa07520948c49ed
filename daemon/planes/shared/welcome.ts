// The welcome packet: for one identity, who it is in each project, what waits for it, and what it holds.
import { ROLE_DESCRIPTIONS } from '../../../rpc/contract/projects.js';
import type { WelcomeExtras } from '../../../rpc/contract/sessions.js';
import type { PlaneDeps } from './deps.js';

export function buildWelcome(deps: PlaneDeps, clientId: string, sessionId: string | null) {
  const memberships = deps.store.projects.membershipsOfClient(clientId);
  const extras: WelcomeExtras = { unread_by_project: {}, pending_approvals: [], locks: [], tasks: [] };
  const who = { client_id: clientId, session_id: sessionId, memberships: memberships.map((m) => ({ project_id: m.project_id, agent_name: m.agent_name })) };
  for (const contribute of deps.hooks.welcome) {
    const part = contribute(who);
    if (part.unread_by_project) Object.assign(extras.unread_by_project, part.unread_by_project);
    if (part.pending_approvals) extras.pending_approvals.push(...part.pending_approvals);
    if (part.locks) extras.locks.push(...part.locks);
    if (part.tasks) extras.tasks.push(...part.tasks);
  }
  const projects = memberships.map((m) => ({
    project_id: m.project_id,
    project_name: m.project_name,
    agent_name: m.agent_name,
    role: m.role,
    role_description: ROLE_DESCRIPTIONS[m.role],
    archived: m.archived_at !== null,
    unread_messages: extras.unread_by_project[m.project_id] ?? 0,
  }));
  return {
    client_id: clientId,
    working_directory: deps.store.sessions.clientDirectory(clientId),
    identity_reminder: projects.map(
      (p) => `In project "${p.project_name}" (${p.project_id}): YOU are the "${p.agent_name}" agent with the "${p.role}" role${p.archived ? ' (archived)' : ''}`,
    ),
    projects,
    total_projects: projects.length,
    total_unread_messages: projects.reduce((sum, p) => sum + p.unread_messages, 0),
    pending_approvals: extras.pending_approvals,
    locks: extras.locks,
    tasks: extras.tasks,
  };
}
