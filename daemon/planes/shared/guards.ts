// Checks every plane makes before it writes: the project exists and is open, the agent is a member.
import { OPERATOR } from '../../../rpc/contract/common.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Store } from '../../store/index.js';
import type { MemberRow, ProjectRow } from '../../store/projects.js';

export function requireProject(store: Store, projectId: string): ProjectRow {
  const project = store.projects.get(projectId);
  if (!project) {
    const known = store.projects.ids(20);
    const hint = known.length > 0 ? `projects that exist: ${known.join(', ')}` : 'no projects exist yet; create one with project.create';
    throw new BrainsError('NOT_FOUND', `no project ${projectId}; ${hint}`, { project_id: projectId, projects: known, brainstorm_code: 'PROJECT_NOT_FOUND' });
  }
  return project;
}

export function requireOpenProject(store: Store, projectId: string): ProjectRow {
  const project = requireProject(store, projectId);
  if (project.archived_at) {
    throw new BrainsError(
      'CONFLICT',
      `project ${projectId} is archived (${project.archive_reason ?? 'no reason given'}); it is read-only in brains: read it with project.info, resource.get and message.list, and to carry on create a new project with project.create`,
      { project_id: projectId, brainstorm_code: 'PROJECT_ARCHIVED' },
    );
  }
  return project;
}

/** The agent must have joined; `operator` is a member of every project. Returns null for the operator. */
export function requireMember(store: Store, projectId: string, agentName: string): MemberRow | null {
  requireProject(store, projectId);
  if (agentName === OPERATOR) return null;
  const member = store.projects.member(projectId, agentName);
  if (!member) {
    const names = store.projects.memberNames(projectId);
    throw new BrainsError('NOT_FOUND', `${agentName} is not a member of ${projectId}; join first with project.join (members: ${names.join(', ') || 'none'})`, {
      project_id: projectId,
      agent_name: agentName,
      members: names,
      brainstorm_code: 'AGENT_NOT_FOUND',
    });
  }
  return member;
}

/** Every recipient name in a project: its members and the operator. */
export function recipientsOf(store: Store, projectId: string): string[] {
  return [...store.projects.memberNames(projectId), OPERATOR];
}
