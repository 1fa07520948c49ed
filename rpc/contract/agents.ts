// Contract of the agents plane: coding agents the daemon runs itself, each a conversation a person types into and a member of its project.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { absolutePath, identifier } from './common.js';

export const AGENT_BACKENDS = ['echo', 'command', 'claude', 'codex', 'acp', 'gemini', 'copilot'] as const;
export const AGENT_STATES = ['working', 'needs_permission', 'needs_answer', 'idle', 'error', 'stopped'] as const;
export const TURN_STATUSES = ['queued', 'running', 'done', 'error', 'interrupted', 'timed_out', 'cancelled'] as const;
export const TURN_SOURCES = ['operator', 'message', 'schedule'] as const;
/** The project an agent created without project_id belongs to (created on first use). */
export const DEFAULT_AGENT_PROJECT = 'agents';
export const MAX_TURN_TEXT_BYTES = 256 * 1024;
export const MAX_SYSTEM_PROMPT_BYTES = 64 * 1024;
export const MAX_ENV_ENTRIES = 100;
export const MAX_ADD_DIRS = 32;

export const agentName = identifier.describe('The managed agent: its name, also its member name in its project.');
export const turnId = z.string().regex(/^turn-[1-9][0-9]{0,14}$/, 'a turn id such as turn-12');

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name (letters, digits and _, not starting with a digit)');
const env = z
  .record(envName, z.string().max(32 * 1024))
  .refine((value) => Object.keys(value).length <= MAX_ENV_ENTRIES, `at most ${MAX_ENV_ENTRIES} variables`)
  .describe('Extra environment variables for the agent process; values are never shown again (agent.info lists names only).');
const model = z.string().min(1).max(200).regex(/^[^\s\p{Cc}]+$/u, 'a model name without spaces or control characters');
const systemPrompt = z.string().max(MAX_SYSTEM_PROMPT_BYTES).describe('Appended to the CLI\'s own system prompt; empty clears it.');
const addDirs = z.array(absolutePath).max(MAX_ADD_DIRS).describe('More directories the agent may work in (claude --add-dir).');
const command = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(64)
  .describe('backend command only: the program and its arguments; each turn runs it once with the prompt on stdin and streams its stdout as the answer.');

/** A git revision as a person names one (main, v1.2, HEAD~2, a commit): no spaces or control characters, not an option. */
const gitRevision = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s\p{Cc}-][^\s\p{Cc}]*$/u, 'a branch, tag or commit (no spaces or control characters, not starting with -)');

export const worktreeRecord = z
  .object({
    path: z.string().describe('The worktree\'s top level (under the state directory).'),
    branch: z.string().describe('brains/<agent_name>: what the agent commits lands here.'),
    base: z.string().describe('The commit the worktree was made from; agent.diff compares against it.'),
    repository: z.string().describe('The checkout the worktree was made from.'),
  })
  .describe('The agent\'s own git worktree (agent.create worktree: true), or null.');

export const agentRecord = z.object({
  agent_name: z.string(),
  backend: z.enum(AGENT_BACKENDS),
  working_directory: z.string(),
  model: z.string().nullable(),
  system_prompt: z.string().nullable(),
  project_id: z.string(),
  env_names: z.array(z.string()).describe('The names of the extra environment variables (never their values).'),
  auto_reply: z.boolean(),
  add_dirs: z.array(z.string()),
  command: z.array(z.string()).nullable(),
  state: z.enum(AGENT_STATES),
  state_detail: z.string().nullable().describe('What the state is about: the error, the tool waiting for permission.'),
  native_session_id: z.string().nullable().describe('The CLI\'s own session id, resumed by the next process.'),
  allowed_tools: z.array(z.string()).describe('Tools allowed for this agent until #new (the A key in the cockpit).'),
  running_turn_id: z.string().nullable(),
  queued_turns: z.number().int().min(0),
  pid: z.number().int().nullable().describe('The agent process running now, if any.'),
  backend_note: z.string().nullable().describe('How its CLI runs when not the usual way (an older codex in exec mode: no permission requests, its own sandbox decides).'),
  worktree: worktreeRecord.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentRecord = z.output<typeof agentRecord>;

export const toolUseRecord = z.object({
  tool_use_id: z.string(),
  name: z.string(),
  summary: z.string(),
  result: z.string().nullable(),
  is_error: z.boolean().nullable(),
});
export type ToolUseRecord = z.output<typeof toolUseRecord>;

export const turnUsage = z
  .object({
    input_tokens: z.number().optional(),
    output_tokens: z.number().optional(),
    cache_read_input_tokens: z.number().optional(),
    cache_creation_input_tokens: z.number().optional(),
  })
  .nullable();

export const turnRecord = z.object({
  turn_id: z.string(),
  agent_name: z.string(),
  role: z.enum(['user', 'assistant']),
  text: z.string(),
  tool_uses: z.array(toolUseRecord),
  status: z.enum(TURN_STATUSES),
  usage: turnUsage,
  cost_usd: z.number().nullable(),
  error: z.string().nullable(),
  source: z.enum(TURN_SOURCES),
  from_agent: z.string().nullable().describe('For a turn from a fabric message (auto_reply): who sent it.'),
  message_id: z.string().nullable(),
  attempts: z.number().int().min(0),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type TurnRecord = z.output<typeof turnRecord>;

const named = z.object({ agent_name: agentName }).strict();

const settable = {
  backend: z.enum(AGENT_BACKENDS).describe('echo (built in), command (any CLI, one process per turn), claude (Claude Code over stream-json), codex (codex app-server), acp (any Agent Client Protocol agent: give command), gemini or copilot (their --acp).'),
  working_directory: absolutePath.describe('Where the agent works (its process\'s current directory).'),
  model: model.optional(),
  system_prompt: systemPrompt.optional(),
  env: env.optional(),
  auto_reply: z.boolean().optional().describe('A fabric message to the agent becomes a turn, and its answer goes back to the sender as a message.'),
  add_dirs: addDirs.optional(),
  command: command.optional(),
};

export const agentsMethods = defineMethods({
  'agent.create': {
    summary: 'Create a managed agent: the daemon runs it (echo, command or claude) as a member of its project.',
    description: `Without project_id the agent joins the project ${DEFAULT_AGENT_PROJECT}. Type into it with agent.send; watch agent.* events or agent.history. With worktree: true it works in a git worktree of its own (agent.diff shows its changes).`,
    params: z
      .object({
        agent_name: agentName,
        ...settable,
        project_id: identifier.optional().describe(`The project the agent joins (default ${DEFAULT_AGENT_PROJECT}).`),
        worktree: z
          .boolean()
          .optional()
          .describe('Give the agent its own git worktree on a new branch brains/<agent_name>, so agents in one repository never edit the same files; working_directory must be inside a git checkout, and the agent works at the same place inside its worktree.'),
        base: gitRevision.optional().describe('With worktree: the branch, tag or commit the worktree starts from (default HEAD).'),
      })
      .strict(),
    result: agentRecord,
    emits: ['agent.created', 'project.created', 'project.joined'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'agent.list': {
    summary: 'Every managed agent with its state.',
    params: z.object({ project_id: identifier.optional() }).strict(),
    result: z.object({ agents: z.array(agentRecord) }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'agent.info': {
    summary: 'One managed agent: backend, model, directories, state, native session.',
    params: named,
    result: agentRecord,
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'agent.update': {
    summary: 'Change a managed agent\'s backend, model, system prompt, directory, env or auto_reply; the next turn uses it.',
    description: 'A new backend or working_directory starts a fresh native session; other changes resume the same one. null clears model or system_prompt.',
    params: z
      .object({
        agent_name: agentName,
        backend: settable.backend.optional(),
        working_directory: settable.working_directory.optional(),
        model: model.nullable().optional(),
        system_prompt: systemPrompt.nullable().optional(),
        env: settable.env,
        auto_reply: settable.auto_reply,
        add_dirs: settable.add_dirs,
        command: command.nullable().optional(),
      })
      .strict(),
    result: agentRecord,
    emits: ['agent.updated'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'agent.remove': {
    summary: 'Stop a managed agent and remove it with its history; it leaves its project.',
    description: 'An agent with a worktree: the worktree is removed too (its branch and commits stay), and the call is refused while the worktree holds uncommitted changes, unless force: true.',
    params: z
      .object({ agent_name: agentName, force: z.boolean().optional().describe('Remove the agent\'s worktree even with uncommitted changes in it (they are lost).') })
      .strict(),
    result: z.object({
      agent_name: z.string(),
      removed: z.boolean(),
      worktree_removed: z.boolean().nullable().describe('Whether its worktree is gone; null when it had none.'),
      branch: z.string().nullable().describe('The branch kept with the agent\'s commits, when it had a worktree.'),
      worktree_error: z.string().nullable().describe('Why the worktree could not be removed (remove it with git worktree remove).'),
    }),
    emits: ['agent.removed', 'project.left', 'project.coordinator_changed', 'lock.released', 'task.released'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'agent.diff': {
    summary: 'What a managed agent changed in its worktree: the unified diff against the commit the worktree started from.',
    description: `Commits on its branch, staged and unstaged changes, and new files, in one diff (cut at ${2 * 1024} KiB: truncated says so), with a line per file. Only for an agent created with worktree: true.`,
    params: named,
    result: z.object({
      agent_name: z.string(),
      branch: z.string(),
      base: z.string(),
      path: z.string(),
      diff: z.string(),
      files: z.array(
        z.object({
          path: z.string(),
          status: z.enum(['added', 'modified', 'deleted', 'renamed', 'untracked']),
          additions: z.number().int().nullable(),
          deletions: z.number().int().nullable(),
        }),
      ),
      truncated: z.boolean(),
    }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'agent.send': {
    summary: 'Type into a managed agent\'s conversation: queues a turn and returns its id at once.',
    description:
      'Text starting with a conversation command runs it instead: #new, #backend NAME, #model NAME, #workspace PATH, #system-prompt TEXT, #add-dir PATH, #remove-dir PATH, #list-dirs, #status, #help.',
    params: z.object({ agent_name: agentName, text: z.string().min(1).describe(`Up to ${MAX_TURN_TEXT_BYTES} bytes.`) }).strict(),
    result: z.object({
      agent_name: z.string(),
      turn_id: z.string().nullable().describe('The assistant turn that will answer; null when the text was a command.'),
      user_turn_id: z.string().nullable(),
      queued_ahead: z.number().int().min(0).describe('Turns of this agent that run before this one.'),
      command: z.string().nullable().describe('The conversation command the text ran, if it was one.'),
      reply: z.string().nullable().describe('What the command answered.'),
      agent: agentRecord,
    }),
    emits: ['agent.turn_queued', 'agent.updated', 'agent.state_changed'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'agent.history': {
    summary: 'A managed agent\'s turns, oldest first: what was typed and what it answered, with tool uses, usage and cost.',
    params: z
      .object({
        agent_name: agentName,
        limit: z.number().int().min(1).max(500).default(50),
        before: turnId.optional().describe('Only turns older than this one (page backwards).'),
      })
      .strict(),
    result: z.object({ turns: z.array(turnRecord), has_more: z.boolean() }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'agent.interrupt': {
    summary: 'Stop the managed agent\'s running turn (queued turns still run).',
    params: named,
    result: z.object({ agent_name: z.string(), interrupted: z.boolean(), turn_id: z.string().nullable() }),
    emits: ['agent.turn_finished', 'agent.state_changed', 'approval.cancelled'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'agent.reset': {
    summary: 'Start a fresh native session for the agent (#new): the next turn remembers nothing, and tools allowed until #new are asked again.',
    params: named,
    result: agentRecord,
    emits: ['agent.updated', 'agent.turn_finished', 'agent.state_changed', 'approval.cancelled'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
});
