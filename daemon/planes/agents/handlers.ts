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
import { agentRecordOf, requireAgent, turnIdOf, turnNoOf, turnRecordOf } from './records.js';
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

  return {
    'agent.create': (params) => {
      if (params.agent_name === OPERATOR) throw new BrainsError('INVALID', `${OPERATOR} is the human's name; choose another agent_name`);
      requireDirectory(params.working_directory, 'working_directory');
      for (const dir of params.add_dirs ?? []) requireDirectory(dir, 'add_dirs entry');
      checkEnv(params.env);
      checkSystemPrompt(params.system_prompt);
      checkCommand(params.backend, params.command);
      const now = new Date().toISOString();
      const row = deps.mutate((emit) => {
        if (store.agents.get(params.agent_name)) throw new BrainsError('CONFLICT', `a managed agent ${params.agent_name} exists already; change it with agent.update or choose another name`, { agent_name: params.agent_name });
        const projectId = joinProject(deps, emit, params.agent_name, params.project_id, now);
        const created: AgentRow = {
          agent_name: params.agent_name,
          project_id: projectId,
          backend: params.backend,
          working_directory: params.working_directory,
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
        };
        store.agents.insert(created);
        emit('agent.created', params.agent_name, { agent_name: params.agent_name, project_id: projectId, backend: params.backend, working_directory: params.working_directory });
        return created;
      });
      return record(row);
    },

    'agent.list': ({ project_id }) => ({ agents: store.agents.list(project_id).map(record) }),

    'agent.info': ({ agent_name }) => record(requireAgent(store, agent_name)),

    'agent.update': ({ agent_name, ...changes }) => changeAgent(deps, agent_name, changes),

    'agent.remove': ({ agent_name }) => {
      deps.mutate((emit) => {
        const agent = requireAgent(store, agent_name);
        if (store.projects.member(agent.project_id, agent_name)?.client_id === null) removeMemberOf(deps, emit, agent.project_id, agent_name);
        store.agents.remove(agent_name);
        emit('agent.removed', agent_name, { agent_name, project_id: agent.project_id });
      });
      deps.agents?.removed(agent_name);
      return { agent_name, removed: true };
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
