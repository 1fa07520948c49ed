// Joining and leaving a project as the daemon does it for every face: a new member row, and a leave that hands the coordinator role on.
import { randomUUID } from 'node:crypto';
import type { Emit } from '../../events/mutate.js';
import type { MemberRow } from '../../store/projects.js';
import type { PlaneDeps } from '../shared/deps.js';

export function newMember(projectId: string, agentName: string, clientId: string | null, role: 'coordinator' | 'contributor', capabilities: string[], labels: Record<string, string>, now: string): MemberRow {
  return {
    project_id: projectId,
    agent_name: agentName,
    agent_id: randomUUID(),
    client_id: clientId,
    role,
    capabilities: JSON.stringify(capabilities),
    labels: JSON.stringify(labels),
    joined_at: now,
    last_seen: now,
  };
}

/** Remove a member; a leaving coordinator passes the role to the longest-standing member left. */
export function removeMemberOf(deps: PlaneDeps, emit: Emit, projectId: string, agentName: string): string | null {
  const { store } = deps;
  const wasCoordinator = store.projects.member(projectId, agentName)?.role === 'coordinator';
  for (const release of deps.hooks.memberLeft) release(emit, { project_id: projectId, agent_name: agentName });
  store.projects.removeMember(projectId, agentName);
  emit('project.left', projectId, { agent_name: agentName });
  if (!wasCoordinator) return null;
  const successor = store.projects.members(projectId)[0];
  if (!successor) return null;
  store.projects.setRole(projectId, successor.agent_name, 'coordinator');
  emit('project.coordinator_changed', projectId, { from_agent: agentName, to_agent: successor.agent_name, reason: 'the coordinator left' });
  return successor.agent_name;
}
