// The agents plane: create, change and remove managed agents, type into their conversations, read their history.
import { DEFAULT_AGENT_PROJECT, MAX_TURN_TEXT_BYTES, agentsMethods } from '../../../rpc/contract/agents.js';
import { OPERATOR } from '../../../rpc/contract/common.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { Emit } from '../../events/mutate.js';
import type { AgentRow } from '../../store/agents.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireProject } from '../shared/guards.js';
import { newMember, removeMemberOf } from '../projects/membership.js';
import { agentRecordOf, requireAgent, turnIdOf, turnNoOf, turnRecordOf, worktreeOf } from './records.js';
import { createWorktree, diffWorktree, discardWorktree, removeWorktree, uncommittedIn } from './worktree.js';
import { checkCommand, checkEnv, checkSystemPrompt, requireDirectory } from './settings.js';
import { queueTurn } from './turns.js';
import { runConversationCommand } from './conversation.js';
import { changeAgent } from './change.js';

/** The agent's project, the default one made on first use; the agent joins it under its own name. */
function joinProject(deps: PlaneDeps, emit: Emit, agentName: string, asked: string | undefined, now: string): string {
  const { store } = deps;
  const projectId = asked ?? DEFAULT_AGENT_PROJECT;
  if (asked === undefined && !store.projects.exists(projectId)) {
    store.projects.insert({ project_id: projectId, name: 'Managed agents', description: 'Agents the daemon runs that were created without a project.', context: '{}', created_by: OPERATOR, created_at: now, archived_at: null, archive_reason: null });
    emit('project.created', projectId, { name: 'Managed agents', created_by: OPERATOR });
  }
  const project = requireProject(store, projectId);
  if (project.archived_at) throw new BrainsError('CONFLICT', `project ${projectId} is archived; it takes no new members`, { project_id: projectId });
  const member = store.projects.member(projectId, agentName);
  if (member && member.client_id !== null) {
    throw new BrainsError('CONFLICT', `${agentName} is already a member of ${projectId} held by an agent running elsewhere; choose another agent_name`, { agent_name: agentName, project_id: projectId });
  }
  if (!member) {
    const role = store.projects.coordinator(projectId) ? 'contributor' : 'coordinator';
    store.projects.insertMember(newMember(projectId, agentName, null, role, ['managed'], {}, now));
    emit('project.joined', projectId, { agent_name: agentName, role, rejoined: false });
  }
  return projectId;
}

export function agentsHandlers(deps: PlaneDeps): HandlersFor<typeof agentsMethods> {
  const { store } = deps;
  const record = (row: AgentRow) => agentRecordOf(store, row, deps.agents);
  const requireNewAgent = (agentName: string): void => {
    if (store.agents.get(agentName)) throw new BrainsError('CONFLICT', `a managed agent ${agentName} exists already; change it with agent.update or choose another name`, { agent_name: agentName });
  };

  return {
    'agent.create': async (params, ctx) => {
      if (params.agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} is the human's name; choose another agent_name`);
      requireDirectory(params.working_directory, 'working_directory');
      for (const dir of params.add_dirs ?? []) requireDirectory(dir, 'add_dirs entry');
      checkEnv(params.env);
      checkSystemPrompt(params.system_prompt);
      checkCommand(params.backend, params.command);
      if (params.base !== undefined && !params.worktree) throw new BrainsError('INVALID', 'base goes with worktree: true (the commit the worktree starts from); add worktree: true or drop base', { base: params.base });
      requireNewAgent(params.agent_name);
      const made = params.worktree ? await createWorktree(deps.paths.home, params.agent_name, params.working_directory, params.base) : null;
      const workingDirectory = made?.workingDirectory ?? params.working_directory;
      const now = new Date().toISOString();
      try {
        const row = ctx.within(() => deps.mutate((emit) => {
          requireNewAgent(params.agent_name);
          const projectId = joinProject(deps, emit, params.agent_name, params.project_id, now);
          const created: AgentRow = {
            agent_name: params.agent_name,
            project_id: projectId,
            backend: params.backend,
            working_directory: workingDirectory,
            model: params.model ?? null,
            system_prompt: params.system_prompt ? params.system_prompt : null,
            env: JSON.stringify(params.env ?? {}),
            auto_reply: params.auto_reply ? 1 : 0,
            add_dirs: JSON.stringify([...new Set(params.add_dirs ?? [])]),
            command: params.command ? JSON.stringify(params.command) : null,
            native_session_id: null,
            allowed_tools: '[]',
            state: 'idle',
            state_detail: null,
            created_at: now,
            updated_at: now,
            worktree_path: made?.worktree.path ?? null,
            worktree_branch: made?.worktree.branch ?? null,
            worktree_base: made?.worktree.base ?? null,
            worktree_repository: made?.worktree.repository ?? null,
          };
          store.agents.insert(created);
          emit('agent.created', params.agent_name, { agent_name: params.agent_name, project_id: projectId, backend: params.backend, working_directory: workingDirectory });
          return created;
        }));
        return record(row);
      } catch (error) {
        if (made) await discardWorktree(made.worktree);
        throw error;
      }
    },

    'agent.list': ({ project_id }) => ({ agents: store.agents.list(project_id).map(record) }),

    'agent.info': ({ agent_name }) => record(requireAgent(store, agent_name)),

    'agent.update': ({ agent_name, ...changes }) => changeAgent(deps, agent_name, changes),

    'agent.remove': async ({ agent_name, force }, ctx) => {
      const worktree = worktreeOf(requireAgent(store, agent_name));
      if (worktree && !force) {
        const uncommitted = await uncommittedIn(worktree);
        if (uncommitted.length > 0) {
          throw new BrainsError(
            'CONFLICT',
            `${agent_name}'s worktree ${worktree.path} has ${uncommitted.length} uncommitted change${uncommitted.length === 1 ? '' : 's'} (${uncommitted.slice(0, 3).map((line) => line.slice(3)).join(', ')}${uncommitted.length > 3 ? ', …' : ''}); commit ${uncommitted.length === 1 ? 'it' : 'them'} on ${worktree.branch}, or pass force: true to drop ${uncommitted.length === 1 ? 'it' : 'them'}`,
            { agent_name, path: worktree.path, uncommitted: uncommitted.length },
          );
        }
      }
      ctx.within(() => deps.mutate((emit) => {
        const agent = requireAgent(store, agent_name);
        if (store.projects.member(agent.project_id, agent_name)?.client_id === null) removeMemberOf(deps, emit, agent.project_id, agent_name);
        store.agents.remove(agent_name);
        emit('agent.removed', agent_name, { agent_name, project_id: agent.project_id });
      }));
      deps.agents?.removed(agent_name);
      if (!worktree) return { agent_name, removed: true, worktree_removed: null, branch: null, worktree_error: null };
      const gone = await removeWorktree(worktree, force ?? false);
      if (gone.error) deps.log.warn(`agent.remove: the worktree ${worktree.path} of ${agent_name} stays: ${gone.error}`);
      return { agent_name, removed: true, worktree_removed: gone.removed, branch: worktree.branch, worktree_error: gone.error ?? null };
    },

    'agent.diff': async ({ agent_name }) => {
      const worktree = worktreeOf(requireAgent(store, agent_name));
      if (!worktree) throw new BrainsError('INVALID', `${agent_name} has no worktree of its own, so there is no base to diff against; create an agent with worktree: true for one`, { agent_name });
      const shown = await diffWorktree(worktree);
      return { agent_name, branch: worktree.branch, base: worktree.base, path: worktree.path, ...shown };
    },

    'agent.send': ({ agent_name, text }) => {
      const agent = requireAgent(store, agent_name);
      const command = runConversationCommand(deps, agent, text);
      if (command) return { agent_name, turn_id: null, user_turn_id: null, queued_ahead: 0, command: command.name, reply: command.reply, agent: record(requireAgent(store, agent_name)) };
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_TURN_TEXT_BYTES) throw new BrainsError('LIMIT_EXCEEDED', `text is ${bytes} bytes, over the ${MAX_TURN_TEXT_BYTES}-byte limit; store long context as a resource and refer to it`, { limit: MAX_TURN_TEXT_BYTES, size: bytes });
      const typed = text.startsWith('##') ? text.slice(1) : text;
      const { open, turns } = deps.mutate((emit) => {
        const before = store.agents.countOpen(agent_name);
        return { open: before, turns: queueTurn(deps, emit, requireAgent(store, agent_name), { text: typed, source: 'operator', from_agent: null, message_id: null, hops: 0 }) };
      });
      deps.agents?.queued(agent_name);
      return {
        agent_name,
        turn_id: turnIdOf(turns.turnNo),
        user_turn_id: turnIdOf(turns.userTurnNo),
        queued_ahead: open.queued + open.running,
        command: null,
        reply: null,
        agent: record(requireAgent(store, agent_name)),
      };
    },

    'agent.history': ({ agent_name, limit, before }) => {
      requireAgent(store, agent_name);
      const rows = store.agents.history(agent_name, limit, before === undefined ? null : turnNoOf(before));
      return { turns: rows.slice(0, limit).reverse().map(turnRecordOf), has_more: rows.length > limit };
    },

    'agent.interrupt': ({ agent_name }) => {
      requireAgent(store, agent_name);
      const turnId = deps.agents?.interrupt(agent_name) ?? null;
      return { agent_name, interrupted: turnId !== null, turn_id: turnId };
    },

    'agent.reset': ({ agent_name }) => changeAgent(deps, agent_name, {}, true),
  };
}
