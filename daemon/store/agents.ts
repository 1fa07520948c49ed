// SQL for managed agents and their turns: one row per agent, one per turn (typed text and the answer to it).
import type { Db } from './open.js';
import { statementCache, type Statement } from './statements.js';

export interface AgentRow {
  agent_name: string;
  project_id: string;
  backend: string;
  working_directory: string;
  model: string | null;
  system_prompt: string | null;
  /** JSON object of name -> value: never leaves the daemon except into the agent's own process. */
  env: string;
  auto_reply: 0 | 1;
  /** JSON array of absolute paths. */
  add_dirs: string;
  /** JSON array (program and arguments), or null. */
  command: string | null;
  native_session_id: string | null;
  /** JSON array of tool names allowed until #new. */
  allowed_tools: string;
  state: string;
  state_detail: string | null;
  created_at: string;
  updated_at: string;
  /** The agent's own git worktree (agent.create worktree: true): all four set, or all null. */
  worktree_path: string | null;
  worktree_branch: string | null;
  worktree_base: string | null;
  worktree_repository: string | null;
}

export type TurnStatus = 'queued' | 'running' | 'done' | 'error' | 'interrupted' | 'timed_out' | 'cancelled';

export interface TurnRow {
  turn_no: number;
  agent_name: string;
  role: 'user' | 'assistant';
  text: string;
  /** JSON array of tool uses. */
  tool_uses: string;
  status: TurnStatus;
  /** JSON object, or null. */
  usage: string | null;
  cost_usd: number | null;
  error: string | null;
  source: 'operator' | 'message' | 'schedule';
  from_agent: string | null;
  message_id: string | null;
  hops: number;
  user_turn_no: number | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** 1: run in a fresh native session that the agent's conversation does not carry on (a scheduled isolated turn). */
  isolated: 0 | 1;
}

export type NewTurnRow = Omit<TurnRow, 'turn_no'>;
export type TurnEnd = Pick<TurnRow, 'status' | 'text' | 'tool_uses' | 'usage' | 'cost_usd' | 'error' | 'finished_at'>;

const AGENT_FIELDS = ['project_id', 'backend', 'working_directory', 'model', 'system_prompt', 'env', 'auto_reply', 'add_dirs', 'command', 'native_session_id', 'allowed_tools', 'state', 'state_detail', 'updated_at'] as const;
export type AgentChange = Partial<Pick<AgentRow, (typeof AGENT_FIELDS)[number]>>;

export class AgentRepo {
  private readonly sql: (sql: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  insert(row: AgentRow): void {
    this.sql(
      `INSERT INTO agents (agent_name, project_id, backend, working_directory, model, system_prompt, env, auto_reply, add_dirs, command, native_session_id, allowed_tools, state, state_detail, created_at, updated_at,
                           worktree_path, worktree_branch, worktree_base, worktree_repository)
       VALUES (@agent_name, @project_id, @backend, @working_directory, @model, @system_prompt, @env, @auto_reply, @add_dirs, @command, @native_session_id, @allowed_tools, @state, @state_detail, @created_at, @updated_at,
               @worktree_path, @worktree_branch, @worktree_base, @worktree_repository)`,
    ).run(row);
  }

  get(agentName: string): AgentRow | null {
    return (this.sql('SELECT * FROM agents WHERE agent_name = ?').get(agentName) as AgentRow | undefined) ?? null;
  }

  list(projectId?: string): AgentRow[] {
    if (projectId !== undefined) return this.sql('SELECT * FROM agents WHERE project_id = ? ORDER BY agent_name').all(projectId) as AgentRow[];
    return this.sql('SELECT * FROM agents ORDER BY agent_name').all() as AgentRow[];
  }

  /** Agents that answer messages (auto_reply), as project_id NUL agent_name keys. */
  autoReplying(): string[] {
    return this.sql("SELECT project_id || char(0) || agent_name FROM agents WHERE auto_reply = 1").pluck().all() as string[];
  }

  names(): string[] {
    return this.sql('SELECT agent_name FROM agents ORDER BY agent_name').pluck().all() as string[];
  }

  /** Change the named columns; the statement is cached per set of columns. */
  update(agentName: string, change: AgentChange): boolean {
    const fields = AGENT_FIELDS.filter((field) => field in change);
    if (fields.length === 0) return this.get(agentName) !== null;
    const set = fields.map((field) => `${field} = @${field}`).join(', ');
    return this.sql(`UPDATE agents SET ${set} WHERE agent_name = @agent_name`).run({ ...change, agent_name: agentName }).changes > 0;
  }

  remove(agentName: string): boolean {
    return this.sql('DELETE FROM agents WHERE agent_name = ?').run(agentName).changes > 0;
  }

  insertTurn(row: NewTurnRow): number {
    return Number(
      this.sql(
        `INSERT INTO agent_turns (agent_name, role, text, tool_uses, status, usage, cost_usd, error, source, from_agent, message_id, hops, user_turn_no, attempts, created_at, started_at, finished_at, isolated)
         VALUES (@agent_name, @role, @text, @tool_uses, @status, @usage, @cost_usd, @error, @source, @from_agent, @message_id, @hops, @user_turn_no, @attempts, @created_at, @started_at, @finished_at, @isolated)`,
      ).run(row).lastInsertRowid,
    );
  }

  turn(turnNo: number): TurnRow | null {
    return (this.sql('SELECT * FROM agent_turns WHERE turn_no = ?').get(turnNo) as TurnRow | undefined) ?? null;
  }

  /** Newest first, older than `before` when given; one more than asked so the caller knows whether more exist. */
  history(agentName: string, limit: number, before: number | null): TurnRow[] {
    return this.sql('SELECT * FROM agent_turns WHERE agent_name = ? AND turn_no < ? ORDER BY turn_no DESC LIMIT ?').all(agentName, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as TurnRow[];
  }

  /** The agent's oldest queued assistant turn: the next to run. */
  nextQueued(agentName: string): TurnRow | null {
    return (this.sql("SELECT * FROM agent_turns WHERE status = 'queued' AND agent_name = ? AND role = 'assistant' ORDER BY turn_no LIMIT 1").get(agentName) as TurnRow | undefined) ?? null;
  }

  countOpen(agentName: string): { queued: number; running: number } {
    const rows = this.sql("SELECT status, count(*) AS n FROM agent_turns WHERE status IN ('queued', 'running') AND agent_name = ? GROUP BY status").all(agentName) as Array<{ status: string; n: number }>;
    return { queued: rows.find((r) => r.status === 'queued')?.n ?? 0, running: rows.find((r) => r.status === 'running')?.n ?? 0 };
  }

  /** Agents with turns waiting to run, oldest waiting first. */
  agentsWithQueued(): string[] {
    return this.sql("SELECT agent_name FROM agent_turns WHERE status = 'queued' GROUP BY agent_name ORDER BY min(turn_no)").pluck().all() as string[];
  }

  /** Turns left running by a daemon that stopped: what it knew of them. */
  running(): TurnRow[] {
    return this.sql("SELECT * FROM agent_turns WHERE status = 'running' ORDER BY turn_no").all() as TurnRow[];
  }

  startTurn(turnNo: number, startedAt: string, attempts: number): boolean {
    return this.sql("UPDATE agent_turns SET status = 'running', started_at = coalesce(started_at, ?), attempts = ? WHERE turn_no = ? AND status IN ('queued', 'running')").run(startedAt, attempts, turnNo).changes > 0;
  }

  setToolUses(turnNo: number, toolUses: string): void {
    this.sql('UPDATE agent_turns SET tool_uses = ? WHERE turn_no = ?').run(toolUses, turnNo);
  }

  /** End a queued or running turn; false when it had already ended. */
  finishTurn(turnNo: number, end: TurnEnd): boolean {
    return (
      this.sql(
        "UPDATE agent_turns SET status = @status, text = @text, tool_uses = @tool_uses, usage = @usage, cost_usd = @cost_usd, error = @error, finished_at = @finished_at WHERE turn_no = @turn_no AND status IN ('queued', 'running')",
      ).run({ ...end, turn_no: turnNo }).changes > 0
    );
  }

  /** Cancel every queued turn of an agent; returns how many. */
  cancelQueued(agentName: string, finishedAt: string, why: string): number {
    return this.sql("UPDATE agent_turns SET status = 'cancelled', error = ?, finished_at = ? WHERE agent_name = ? AND status = 'queued'").run(why, finishedAt, agentName).changes;
  }
}
