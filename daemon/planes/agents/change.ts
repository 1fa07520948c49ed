// Changing a managed agent, for agent.update, agent.reset and the conversation commands: check, store, tell the runtime.
import type { AgentRecord } from '../../../rpc/contract/agents.js';
import type { AgentChange } from '../../store/agents.js';
import type { PlaneDeps } from '../shared/deps.js';
import { agentRecordOf, requireAgent } from './records.js';
import { COMMAND_BACKENDS, checkCommand, checkEnv, checkSystemPrompt, requireDirectory } from './settings.js';

export interface AgentChanges {
  backend?: string;
  working_directory?: string;
  model?: string | null;
  system_prompt?: string | null;
  env?: Record<string, string>;
  auto_reply?: boolean;
  add_dirs?: string[];
  command?: string[] | null;
}

export function changeAgent(deps: PlaneDeps, agentName: string, changes: AgentChanges, forceFresh = false): AgentRecord {
  const current = requireAgent(deps.store, agentName);
  if (changes.working_directory !== undefined) requireDirectory(changes.working_directory, 'working_directory');
  for (const dir of changes.add_dirs ?? []) requireDirectory(dir, 'add_dirs entry');
  checkEnv(changes.env);
  checkSystemPrompt(changes.system_prompt);
  const backend = changes.backend ?? current.backend;
  const command = changes.command !== undefined ? changes.command : COMMAND_BACKENDS.has(backend) ? (current.command === null ? null : (JSON.parse(current.command) as string[])) : null;
  checkCommand(backend, command);
  const change: AgentChange = {};
  if (changes.backend !== undefined && changes.backend !== current.backend) change.backend = changes.backend;
  if (changes.working_directory !== undefined && changes.working_directory !== current.working_directory) change.working_directory = changes.working_directory;
  if (changes.model !== undefined && changes.model !== current.model) change.model = changes.model;
  if (changes.system_prompt !== undefined) {
    const prompt = changes.system_prompt === '' ? null : changes.system_prompt;
    if (prompt !== current.system_prompt) change.system_prompt = prompt;
  }
  if (changes.env !== undefined) change.env = JSON.stringify(changes.env);
  if (changes.auto_reply !== undefined && (changes.auto_reply ? 1 : 0) !== current.auto_reply) change.auto_reply = changes.auto_reply ? 1 : 0;
  if (changes.add_dirs !== undefined) change.add_dirs = JSON.stringify([...new Set(changes.add_dirs)]);
  const encodedCommand = command === null ? null : JSON.stringify(command);
  if (encodedCommand !== current.command) change.command = encodedCommand;
  const changed = Object.keys(change);
  // Another CLI, or another directory, cannot resume the session the old one kept.
  const fresh = forceFresh || change.backend !== undefined || change.working_directory !== undefined;
  if (fresh) Object.assign(change, { native_session_id: null, allowed_tools: '[]' });
  if (changed.length === 0 && !fresh) return agentRecordOf(deps.store, current, deps.agents);
  const updated = deps.mutate((emit) => {
    deps.store.agents.update(agentName, { ...change, updated_at: new Date().toISOString() });
    emit('agent.updated', agentName, { agent_name: agentName, project_id: current.project_id, changed: fresh && changed.length === 0 ? ['native_session_id'] : changed, fresh_session: fresh });
    return deps.store.agents.get(agentName)!;
  });
  deps.agents?.reconfigured(agentName, fresh);
  return agentRecordOf(deps.store, updated, deps.agents);
}

