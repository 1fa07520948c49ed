// Every write a managed agent's turn makes, from queued to finished, with its events: used by agent.send and by the runtime.
import type { AgentRecord, ToolUseRecord, TurnRecord } from '../../../rpc/contract/agents.js';
import type { Emit } from '../../events/mutate.js';
import type { AgentRow, TurnRow, TurnStatus } from '../../store/agents.js';
import type { PlaneDeps } from '../shared/deps.js';
import { clip, turnIdOf } from './records.js';

export interface TurnRequest {
  text: string;
  source: 'operator' | 'message' | 'schedule';
  from_agent: string | null;
  message_id: string | null;
  hops: number;
  /** A scheduled turn in a fresh native session the conversation does not carry on. */
  isolated?: boolean;
}

/** Queue a user turn and the assistant turn that answers it (inside the caller's mutation). */
export function queueTurn(deps: PlaneDeps, emit: Emit, agent: AgentRow, request: TurnRequest): { userTurnNo: number; turnNo: number } {
  const now = new Date().toISOString();
  const base = { agent_name: agent.agent_name, tool_uses: '[]', usage: null, cost_usd: null, error: null, source: request.source, from_agent: request.from_agent, message_id: request.message_id, hops: request.hops, attempts: 0, created_at: now, isolated: request.isolated ? (1 as const) : (0 as const) };
  const userTurnNo = deps.store.agents.insertTurn({ ...base, role: 'user', text: request.text, status: 'done', user_turn_no: null, started_at: now, finished_at: now });
  const turnNo = deps.store.agents.insertTurn({ ...base, role: 'assistant', text: '', status: 'queued', user_turn_no: userTurnNo, started_at: null, finished_at: null });
  emit('agent.turn_queued', agent.agent_name, {
    agent_name: agent.agent_name,
    project_id: agent.project_id,
    turn_id: turnIdOf(turnNo),
    user_turn_id: turnIdOf(userTurnNo),
    text: clip(request.text),
    source: request.source,
    from_agent: request.from_agent,
  });
  return { userTurnNo, turnNo };
}

export function setState(deps: PlaneDeps, emit: Emit, agent: AgentRow, state: AgentRecord['state'], detail: string | null): void {
  const current = deps.store.agents.get(agent.agent_name);
  if (!current || (current.state === state && current.state_detail === detail)) return;
  deps.store.agents.update(agent.agent_name, { state, state_detail: detail });
  emit('agent.state_changed', agent.agent_name, { agent_name: agent.agent_name, project_id: agent.project_id, state, detail });
}

export function startTurn(deps: PlaneDeps, emit: Emit, agent: AgentRow, turnNo: number, attempt: number): boolean {
  if (!deps.store.agents.startTurn(turnNo, new Date().toISOString(), attempt)) return false;
  emit('agent.turn_started', agent.agent_name, { agent_name: agent.agent_name, project_id: agent.project_id, turn_id: turnIdOf(turnNo), attempt });
  return true;
}

export function recordToolUse(deps: PlaneDeps, emit: Emit, agent: AgentRow, turnNo: number, toolUses: readonly ToolUseRecord[], use: ToolUseRecord): void {
  deps.store.agents.setToolUses(turnNo, JSON.stringify(toolUses));
  emit('agent.tool_use', agent.agent_name, { agent_name: agent.agent_name, project_id: agent.project_id, turn_id: turnIdOf(turnNo), ...use });
}

export interface TurnEnding {
  status: Exclude<TurnStatus, 'queued' | 'running'>;
  text: string;
  toolUses: readonly ToolUseRecord[];
  usage: TurnRecord['usage'];
  costUsd: number | null;
  error: string | null;
}

/** End a turn once; false when something else ended it first (an interrupt racing the answer). */
export function finishTurn(deps: PlaneDeps, emit: Emit, agent: AgentRow, turnNo: number, end: TurnEnding): boolean {
  const ended = deps.store.agents.finishTurn(turnNo, {
    status: end.status,
    text: end.text,
    tool_uses: JSON.stringify(end.toolUses),
    usage: end.usage === null ? null : JSON.stringify(end.usage),
    cost_usd: end.costUsd,
    error: end.error,
    finished_at: new Date().toISOString(),
  });
  if (!ended) return false;
  emit('agent.turn_finished', agent.agent_name, {
    agent_name: agent.agent_name,
    project_id: agent.project_id,
    turn_id: turnIdOf(turnNo),
    status: end.status,
    text: clip(end.text),
    error: end.error,
    usage: end.usage,
    cost_usd: end.costUsd,
  });
  return true;
}

/** A turn the daemon was running when it stopped: ended as interrupted, never run again blindly. */
export function markInterruptedByRestart(deps: PlaneDeps, emit: Emit, turn: TurnRow): void {
  const agent = deps.store.agents.get(turn.agent_name);
  if (!agent) return;
  finishTurn(deps, emit, agent, turn.turn_no, {
    status: 'interrupted',
    text: turn.text,
    toolUses: JSON.parse(turn.tool_uses) as ToolUseRecord[],
    usage: null,
    costUsd: null,
    error: 'the daemon stopped while this turn ran; send it again if it is still wanted',
  });
}
