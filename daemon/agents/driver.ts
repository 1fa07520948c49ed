// The one shape every backend's driver has: the runtime starts a native session, runs turns, hears their events,
// answers permission requests, interrupts and stops. A driver knows its CLI's protocol and nothing of the fabric.

/** Token counts as the CLI reports them; absent fields were not reported. */
export interface TurnUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/** What a driver hears while a turn runs, already turned from its CLI's own stream into these. */
export type DriverEvent =
  /** The CLI's own session id (claude's session_id): stored, so the next process resumes it. */
  | { type: 'session'; nativeSessionId: string }
  /** A piece of the assistant's text, as it streams. */
  | { type: 'text'; delta: string }
  /** The agent started using a tool; summary is a readable one-line account of its input (the command, the file). */
  | { type: 'tool_use'; toolUseId: string; name: string; summary: string }
  /** A tool's result arrived. */
  | { type: 'tool_result'; toolUseId: string; summary: string; isError: boolean }
  /** The agent's whole change so far in this turn, as a unified diff (codex's turn/diff/updated). */
  | { type: 'diff'; diff: string }
  /** The CLI asks whether it may use a tool; answer with DriverSession.answerPermission(requestId, ...). */
  | { type: 'permission'; requestId: string; toolName: string; input: Record<string, unknown>; toolUseId: string | null; summary: string };

/** always: the operator allowed the tool until #new (the cockpit's A); a CLI that can remember it for its session is told so. */
export type PermissionAnswer = { behavior: 'allow'; updatedInput: Record<string, unknown>; always?: boolean } | { behavior: 'deny'; message: string };

export interface TurnOutcome {
  status: 'done' | 'error' | 'interrupted';
  /** The assistant's whole answer for the turn (what the deltas added up to, or the CLI's final result text). */
  text: string;
  error?: string;
  /** A failure worth trying again (the process crashed or the provider was overloaded), not one that repeats. */
  transient?: boolean;
  usage?: TurnUsage;
  costUsd?: number;
  nativeSessionId?: string;
}

/** Everything a driver needs to start its CLI for one agent. */
export interface AgentSpec {
  agentName: string;
  workingDirectory: string;
  model: string | null;
  systemPrompt: string | null;
  addDirs: readonly string[];
  /** The child's whole environment: nothing is inherited beyond it. */
  env: Record<string, string>;
  /** The native session to resume, when one is stored. */
  nativeSessionId: string | null;
  /**
   * A file (0600, in the state directory) holding the MCP servers config to hand the CLI (claude's --mcp-config): it
   * names `brains mcp` with the agent's token, so the agent is in the fabric. A file, because argv is readable by anyone.
   */
  mcpConfigPath: string | null;
  /** The command line of the `command` backend (argv[0] and its arguments). */
  command: readonly string[] | null;
  /** Caps on what one turn may print before it is cut (bytes). */
  maxOutputBytes: number;
}

export interface DriverSession {
  /** The pid of the process running now (for tests and status), or null between per-turn processes. */
  readonly pid: number | null;
  /** How this session runs when it is not the backend's usual way (agent.info's backend_note). */
  readonly note?: string;
  /** Runs one user turn to its end; events arrive through onEvent while it runs. Never rejects: failures are outcomes. */
  turn(text: string, onEvent: (event: DriverEvent) => void): Promise<TurnOutcome>;
  answerPermission(requestId: string, answer: PermissionAnswer): void;
  /** Asks the running turn to stop; its turn() then resolves with status interrupted. */
  interrupt(): Promise<void>;
  /** Ends the session: close stdin, then SIGTERM, then SIGKILL after graceMs, to the whole process tree. */
  stop(graceMs: number): Promise<void>;
  /** Kills the whole process tree at once (a turn that ran out of time); the running turn resolves with an error. */
  kill(reason: string): void;
}

/** A backend that cannot start says why in a sentence a person can act on. */
export class DriverStartError extends Error {
  override name = 'DriverStartError';
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'INVALID' | 'UNAVAILABLE',
  ) {
    super(message);
  }
}

export interface AgentDriver {
  readonly backend: string;
  /** Starts (or resumes) a native session; throws DriverStartError when the CLI is missing or refuses. */
  start(spec: AgentSpec): Promise<DriverSession>;
}
