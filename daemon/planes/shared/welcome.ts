// The welcome packet: for one identity, who it is in each project, what waits for it, and what it holds; or, when the
// agent has not said which of several identities it is, who it could be.
import { ROLE_DESCRIPTIONS } from '../../../rpc/contract/projects.js';
import type { WelcomeExtras } from '../../../rpc/contract/sessions.js';
import type { PlaneDeps } from './deps.js';
import { memberOnline } from './online.js';

export interface WelcomeFor {
  client_id: string;
  session_id: string | null;
  /** Only this project's part (a token sees only its own project). */
  only_project?: string | null;
  /** The agent has not said which identity it is: no "you are" lines, the candidates instead. */
  pending?: boolean;
  candidates?: Array<{ client_id: string; names: Array<{ project_id: string; agent_name: string }> }>;
  working_directory?: string | null;
}

export function buildWelcome(deps: PlaneDeps, who: WelcomeFor) {
  const { client_id: clientId, session_id: sessionId } = who;
  const memberships = deps.store.projects.membershipsOfClient(clientId).filter((m) => !who.only_project || m.project_id === who.only_project);
  const extras: WelcomeExtras = { unread_by_project: {}, pending_approvals: [], locks: [], tasks: [] };
  const held = { client_id: clientId, session_id: sessionId, memberships: memberships.map((m) => ({ project_id: m.project_id, agent_name: m.agent_name })) };
  for (const contribute of deps.hooks.welcome) {
    const part = contribute(held);
    if (part.unread_by_project) Object.assign(extras.unread_by_project, part.unread_by_project);
    if (part.pending_approvals) extras.pending_approvals.push(...part.pending_approvals);
    if (part.locks) extras.locks.push(...part.locks);
    if (part.tasks) extras.tasks.push(...part.tasks);
  }
  if (who.only_project) {
    const inProject = (item: { project_id?: unknown }) => item.project_id === who.only_project;
    extras.pending_approvals = extras.pending_approvals.filter(inProject);
    extras.tasks = extras.tasks.filter(inProject);
    extras.locks = extras.locks.filter((l) => (l.holder as { project_id?: unknown } | undefined)?.project_id === who.only_project);
  }
  const projects = memberships.map((m) => ({
    project_id: m.project_id,
    project_name: m.project_name,
    agent_name: m.agent_name,
    role: m.role,
    role_description: ROLE_DESCRIPTIONS[m.role],
    archived: m.archived_at !== null,
    labels: JSON.parse(m.labels) as Record<string, string>,
    joined_at: m.joined_at,
    last_seen: m.last_seen,
    online: memberOnline(deps, m),
    unread_messages: extras.unread_by_project[m.project_id] ?? 0,
    has_unread: (extras.unread_by_project[m.project_id] ?? 0) > 0,
  }));
  const candidates = who.pending ? (who.candidates ?? []) : [];
  const directory = who.working_directory ?? deps.store.sessions.clientDirectory(clientId);
  const identityReminder = who.pending
    ? [
        `Several agents worked in ${directory ?? 'this directory'} and none of them is running now: ${candidates.map((c) => c.names.map((n) => `${n.agent_name} (in ${n.project_id})`).join(' / ')).join(', ')}. ` +
          'Say which one you are: call session.status with agent_name set to your name. A name none of them holds starts a new agent.',
      ]
    : projects.map(
        (p) => `In project "${p.project_name}" (${p.project_id}): YOU are the "${p.agent_name}" agent with the "${p.role}" role${p.archived ? ' (archived)' : ''}`,
      );
  return {
    client_id: clientId,
    working_directory: directory,
    identity_pending: who.pending === true,
    candidates,
    identity_reminder: identityReminder,
    projects,
    total_projects: projects.length,
    total_unread_messages: projects.reduce((sum, p) => sum + p.unread_messages, 0),
    pending_approvals: extras.pending_approvals,
    locks: extras.locks,
    tasks: extras.tasks,
  };
}
