// How stored agents and turns read on the wire: env values dropped, JSON columns parsed, ids spelled turn-N.
import { BrainsError } from '../../../rpc/errors.js';
import type { AgentRecord, ToolUseRecord, TurnRecord } from '../../../rpc/contract/agents.js';
import type { AgentRow, TurnRow } from '../../store/agents.js';
import type { Store } from '../../store/index.js';
import type { AgentControl } from '../shared/deps.js';
import type { Worktree } from './worktree.js';

export const turnIdOf = (turnNo: number): string => `turn-${turnNo}`;
export const turnNoOf = (turnId: string): number => Number(turnId.slice('turn-'.length));

/** Longest text an event carries; the stored turn keeps it whole. */
export const EVENT_TEXT_CHARS = 2000;
export const clip = (text: string, max = EVENT_TEXT_CHARS): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function agentRecordOf(store: Store, row: AgentRow, control: AgentControl | undefined): AgentRecord {
  const open = store.agents.countOpen(row.agent_name);
  const live = control?.live(row.agent_name) ?? { pid: null, runningTurnNo: null, note: null };
  return {
    agent_name: row.agent_name,
    backend: row.backend as AgentRecord['backend'],
    working_directory: row.working_directory,
    model: row.model,
    system_prompt: row.system_prompt,
    project_id: row.project_id,
    env_names: Object.keys(JSON.parse(row.env) as Record<string, string>).sort(),
    auto_reply: row.auto_reply === 1,
    add_dirs: JSON.parse(row.add_dirs) as string[],
    command: row.command === null ? null : (JSON.parse(row.command) as string[]),
    state: row.state as AgentRecord['state'],
    state_detail: row.state_detail,
    native_session_id: row.native_session_id,
    allowed_tools: JSON.parse(row.allowed_tools) as string[],
    running_turn_id: live.runningTurnNo !== null ? turnIdOf(live.runningTurnNo) : null,
    queued_turns: open.queued,
    pid: live.pid,
    backend_note: live.note,
    worktree: worktreeOf(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The agent's own worktree, when it was created with one. */
export function worktreeOf(row: AgentRow): Worktree | null {
  if (row.worktree_path === null || row.worktree_branch === null || row.worktree_base === null || row.worktree_repository === null) return null;
  return { path: row.worktree_path, branch: row.worktree_branch, base: row.worktree_base, repository: row.worktree_repository };
}

export function turnRecordOf(row: TurnRow): TurnRecord {
  return {
    turn_id: turnIdOf(row.turn_no),
    agent_name: row.agent_name,
    role: row.role,
    text: row.text,
    tool_uses: JSON.parse(row.tool_uses) as ToolUseRecord[],
    status: row.status,
    usage: row.usage === null ? null : (JSON.parse(row.usage) as TurnRecord['usage']),
    cost_usd: row.cost_usd,
    error: row.error,
    source: row.source,
    from_agent: row.from_agent,
    message_id: row.message_id,
    attempts: row.attempts,
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}

export function requireAgent(store: Store, agentName: string): AgentRow {
  const row = store.agents.get(agentName);
  if (!row) {
    const names = store.agents.names();
    throw new BrainsError('NOT_FOUND', `no managed agent ${agentName}; ${names.length > 0 ? `there are: ${names.slice(0, 20).join(', ')}` : 'create one with agent.create'}`, { agent_name: agentName });
  }
  return row;
}
