// The projects plane: create, join, leave, archive, delete and hand over coordination, with exactly one coordinator.
import { OPERATOR } from '../../../rpc/contract/common.js';
import { ROLE_DESCRIPTIONS, projectsMethods } from '../../../rpc/contract/projects.js';
import { BrainsError } from '../../../rpc/errors.js';
import { waitUntil } from '../../events/wait.js';
import type { Emit } from '../../events/mutate.js';
import type { MemberRow, ProjectRow } from '../../store/projects.js';
import { encodeBoundedJson } from '../../store/json-limits.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { newMember, removeMemberOf } from './membership.js';
import { requireMember, requireProject } from '../shared/guards.js';
import { callerIdentity } from '../sessions/identity.js';
import { memberOnline } from '../shared/online.js';

const COMMON_NAMES = ['frontend', 'backend', 'reviewer', 'tester', 'architect', 'docs', 'security', 'devops'];
const MAX_CONTEXT_BYTES = 64 * 1024;

export function projectsHandlers(deps: PlaneDeps): HandlersFor<typeof projectsMethods> {
  const { store } = deps;

  const isOnline = (member: MemberRow): boolean => memberOnline(deps, member);

  const projectView = (p: ProjectRow) => ({
    project_id: p.project_id,
    name: p.name,
    description: p.description,
    context: JSON.parse(p.context) as Record<string, unknown>,
    created_by: p.created_by,
    created_at: p.created_at,
    archived: p.archived_at !== null,
    archived_at: p.archived_at,
    archive_reason: p.archive_reason,
  });

  const memberView = (m: MemberRow) => ({
    agent_name: m.agent_name,
    agent_id: m.agent_id,
    client_id: m.client_id,
    role: m.role,
    capabilities: JSON.parse(m.capabilities) as string[],
    labels: JSON.parse(m.labels) as Record<string, string>,
    online: isOnline(m),
    last_seen: m.last_seen,
    joined_at: m.joined_at,
  });

  const removeMember = (emit: Emit, projectId: string, agentName: string) => removeMemberOf(deps, emit, projectId, agentName);

  return {
    'project.create': (params, ctx) => {
      if (params.agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} is the human's name in every project; create as another agent_name, or omit it`);
      const context = params.context ?? {};
      const encodedContext = encodeBoundedJson(context, 'project context', MAX_CONTEXT_BYTES);
      const now = new Date().toISOString();
      return deps.mutate((emit) => {
        const projectId = params.project_id ?? freeProjectId(deps, params.name);
        const clientId = params.agent_name ? callerIdentity(store, deps.access, ctx.principal, params, params.agent_name, projectId, now) : null;
        if (params.agent_name && !clientId) throw new BrainsError('INVALID', 'to create as an agent, also pass working_directory or client_id so the membership can be resumed');
        if (store.projects.exists(projectId)) {
          throw new BrainsError('CONFLICT', `project ${projectId} already exists; join it with project.join or choose another project_id`, { project_id: projectId, brainstorm_code: 'PROJECT_EXISTS' });
        }
        store.projects.insert({
          project_id: projectId,
          name: params.name,
          description: params.description ?? null,
          context: encodedContext,
          created_by: params.agent_name ?? OPERATOR,
          created_at: now,
          archived_at: null,
          archive_reason: null,
        });
        emit('project.created', projectId, { name: params.name, created_by: params.agent_name ?? OPERATOR });
        if (params.agent_name && clientId) {
          store.projects.insertMember(newMember(projectId, params.agent_name, clientId, 'coordinator', [], {}, now));
          emit('project.joined', projectId, { agent_name: params.agent_name, role: 'coordinator', rejoined: false });
        }
        return {
          project_id: projectId,
          name: params.name,
          created_at: now,
          coordinator: params.agent_name ?? null,
          message: params.agent_name
            ? `Project created; you are its coordinator. Others join with project.join {project_id: "${projectId}"}.`
            : `Project created. Agents join with project.join {project_id: "${projectId}"}; the first to join becomes coordinator.`,
        };
      });
    },

    'project.list': ({ offset, limit, include_archived }, ctx) => {
      const confined = deps.access.confinedTo(ctx.principal);
      const listed = store.projects.list(include_archived, offset, limit);
      // A token sees only its own project in every list.
      const { rows, total } = confined === null ? listed : { rows: listed.rows.filter((p) => p.project_id === confined), total: listed.rows.some((p) => p.project_id === confined) ? 1 : 0 };
      return {
        projects: rows.map((p) => ({ project_id: p.project_id, name: p.name, description: p.description, archived: p.archived_at !== null, created_at: p.created_at, member_count: p.member_count })),
        total,
        offset,
        limit,
      };
    },

    'project.info': async ({ project_id, wait, timeout_seconds }, ctx) => {
      const read = () => store.projects.get(project_id);
      let project = read();
      let waited = 0;
      if (!project && wait) {
        const outcome = await waitUntil(
          deps.bus,
          { types: ['project.created'], relevant: (e) => e.subject === project_id, timeoutMs: timeout_seconds * 1000, signal: ctx.signal },
          read,
        );
        project = outcome.value;
        waited = outcome.waited_ms;
        if (!project) return { timed_out: true as const, waited_ms: waited, message: `project ${project_id} was not created within ${timeout_seconds}s; wait again, or check the project_id with project.list`, project_id };
      }
      if (!project) requireProject(store, project_id);
      const members = store.projects.members(project_id);
      return {
        project: projectView(project!),
        members: members.map(memberView),
        coordinator: members.find((m) => m.role === 'coordinator')?.agent_name ?? null,
        waited_ms: waited,
        timed_out: false as const,
      };
    },

    'project.join': (params, ctx) => {
      if (params.agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} is reserved for the human at the cockpit; choose another agent_name`);
      const now = new Date().toISOString();
      return deps.mutate((emit) => {
        const project = requireProject(store, params.project_id);
        const clientId = callerIdentity(store, deps.access, ctx.principal, params, params.agent_name, params.project_id, now);
        if (ctx.principal.kind === 'instance' && clientId) {
          const other = store.projects.membershipsOfClient(clientId).find((m) => m.project_id === params.project_id && m.agent_name !== params.agent_name);
          if (other) throw new BrainsError('CONFLICT', `you are already ${other.agent_name} in ${params.project_id}; act as ${other.agent_name}, or leave_project first to take another name`, { agent_name: other.agent_name });
        }
        if (project.archived_at) {
          throw new BrainsError('CONFLICT', `project ${params.project_id} is archived; it takes no new members (brains keeps archived projects read-only): create a new project with project.create`, {
            project_id: params.project_id,
            brainstorm_code: 'PROJECT_ARCHIVED',
          });
        }
        const existing = store.projects.member(params.project_id, params.agent_name);
        const taken = new Set(store.projects.memberNames(params.project_id));
        const suggested_names = COMMON_NAMES.filter((n) => !taken.has(n) && n !== params.agent_name);
        if (existing && existing.client_id !== clientId) {
          throw new BrainsError('CONFLICT', `${params.agent_name} is already taken in ${params.project_id} by another identity; pick another name (free: ${suggested_names.join(', ')})`, {
            suggested_names,
            brainstorm_code: 'AGENT_NAME_TAKEN',
          });
        }
        const capabilities = JSON.stringify(params.capabilities ?? (existing ? JSON.parse(existing.capabilities) : []));
        const labels = JSON.stringify(params.labels ?? (existing ? JSON.parse(existing.labels) : {}));
        let member: MemberRow;
        if (existing) {
          store.projects.updateMemberProfile(params.project_id, params.agent_name, capabilities, labels, now);
          member = { ...existing, capabilities, labels, last_seen: now };
        } else {
          const role = store.projects.coordinator(params.project_id) ? 'contributor' : 'coordinator';
          member = newMember(params.project_id, params.agent_name, clientId, role, [], {}, now);
          member.capabilities = capabilities;
          member.labels = labels;
          store.projects.insertMember(member);
        }
        emit('project.joined', params.project_id, { agent_name: params.agent_name, role: member.role, rejoined: existing !== null });
        return {
          project_id: params.project_id,
          agent_name: params.agent_name,
          agent_id: member.agent_id,
          role: member.role,
          role_description: ROLE_DESCRIPTIONS[member.role],
          rejoined: existing !== null,
          suggested_names,
          message: existing
            ? `Welcome back: you are ${params.agent_name} (${member.role}) in ${params.project_id}.`
            : `Joined ${params.project_id} as ${params.agent_name} (${member.role}). Send with message.send, receive with message.receive {wait: true}.`,
        };
      });
    },

    'project.leave': ({ project_id, agent_name }) => {
      return deps.mutate((emit) => {
        requireMember(store, project_id, agent_name);
        if (agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} belongs to every project and cannot leave`);
        const archived_messages = store.messages.openCount(project_id, agent_name);
        const new_coordinator = removeMember(emit, project_id, agent_name);
        const handedOn = new_coordinator
          ? ` You were the coordinator, so the role passed to ${new_coordinator}, the longest-standing member (to choose who, call project.handover before leaving; brains does not make you).`
          : '';
        return {
          left: true as const,
          new_coordinator,
          archived_messages,
          message: `Left ${project_id}; ${archived_messages} message(s) still waiting for you will not be delivered.${handedOn} Rejoin with project.join under the same name to take it back.`,
        };
      });
    },

    'project.archive': ({ project_id, agent_name, archive_reason }) => {
      const actor = agent_name ?? OPERATOR;
      return deps.mutate((emit) => {
        const project = requireProject(store, project_id);
        if (project.archived_at) throw new BrainsError('CONFLICT', `project ${project_id} was already archived at ${project.archived_at}`, { project_id, brainstorm_code: 'PROJECT_ARCHIVED' });
        const member = requireMember(store, project_id, actor);
        if (actor !== OPERATOR && actor !== project.created_by && member?.role !== 'coordinator') {
          throw new BrainsError('PERMISSION_DENIED', `only the creator (${project.created_by}), the coordinator or the operator may archive ${project_id}`);
        }
        const now = new Date().toISOString();
        store.projects.archive(project_id, now, archive_reason ?? null);
        emit('project.archived', project_id, { by: actor, reason: archive_reason ?? null });
        return { project_id, archived_at: now };
      });
    },

    'project.delete': ({ project_id, agent_name }) => {
      const actor = agent_name ?? OPERATOR;
      return deps.mutate((emit) => {
        const project = requireProject(store, project_id);
        if (actor !== OPERATOR && actor !== project.created_by) {
          throw new BrainsError('PERMISSION_DENIED', `only the creator (${project.created_by}) or the operator may delete ${project_id}`, { project_id, creator: project.created_by, brainstorm_code: 'DELETE_PERMISSION_DENIED' });
        }
        for (const name of [...store.projects.memberNames(project_id), OPERATOR]) {
          for (const release of deps.hooks.memberLeft) release(emit, { project_id, agent_name: name });
        }
        store.projects.delete(project_id);
        emit('project.deleted', project_id, { by: actor });
        return { deleted: true, project_id };
      });
    },

    'project.handover': ({ project_id, from_agent, to_agent }) => {
      return deps.mutate((emit) => {
        requireProject(store, project_id);
        const from = requireMember(store, project_id, from_agent);
        if (!from || from.role !== 'coordinator') {
          const current = store.projects.coordinator(project_id)?.agent_name ?? 'nobody';
          throw new BrainsError('PERMISSION_DENIED', `only the current coordinator (${current}) may hand over ${project_id}`, { project_id, coordinator: current, brainstorm_code: 'NOT_COORDINATOR' });
        }
        if (from_agent === to_agent) throw new BrainsError('INVALID', `${from_agent} is already the coordinator`);
        const to = requireMember(store, project_id, to_agent);
        if (!to) throw new BrainsError('INVALID', `the coordinator must be an agent member, not ${OPERATOR}`);
        store.projects.setRole(project_id, from_agent, 'contributor');
        store.projects.setRole(project_id, to_agent, 'coordinator');
        emit('project.coordinator_changed', project_id, { from_agent, to_agent, reason: 'handover' });
        return { project_id, from_agent, to_agent, message: `Coordinator role transferred from ${from_agent} to ${to_agent}` };
      });
    },
  };
}


/** A safe project_id from a name: lower-case words joined by -, made unique with a counter. */
function freeProjectId(deps: PlaneDeps, name: string): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'project';
  let candidate = base;
  for (let n = 2; deps.store.projects.exists(candidate); n += 1) candidate = `${base}-${n}`;
  return candidate;
}
