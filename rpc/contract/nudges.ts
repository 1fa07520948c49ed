// Contract of the nudges plane: what an agent tool's hooks (`brains hook <event>`) hear back, computed in the daemon.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { absolutePath, workingDirectory } from './common.js';

export const HOOK_TOOLS = ['claude-code', 'codex'] as const;
export const HOOK_EVENTS = ['session-start', 'user-prompt-submit', 'stop', 'session-end'] as const;
export type HookTool = (typeof HOOK_TOOLS)[number];
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** The tool's own session id (Claude Code and Codex send UUIDs): no slashes, dots-only names or spaces. */
const toolSessionId = z.string().regex(/^[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,199}$/, 'the tool session id: up to 200 letters, digits, _ - : or .');

/** The fields of the tool's hook input that brains uses (the CLI picks them from stdin; nothing else is sent). */
export const hookPayload = z
  .object({
    session_id: toolSessionId,
    cwd: workingDirectory.optional(),
    transcript_path: absolutePath.nullable().optional(),
    hook_event_name: z.string().max(64).optional(),
    source: z.string().max(64).optional().describe('SessionStart: startup, resume, clear or compact.'),
    reason: z.string().max(200).optional().describe('SessionEnd: clear, logout, prompt_input_exit, other...'),
    stop_hook_active: z.boolean().optional().describe('Stop: true when the agent already continues because of a stop hook.'),
  })
  .strict();
export type HookPayload = z.output<typeof hookPayload>;

export const nudgesMethods = defineMethods({
  'hook.handle': {
    summary: "Answer one hook event of an agent tool: register or end its session, and say only what is new for it (mail, decisions, expiring locks).",
    description:
      'Called by `brains hook <event>` with the fields of the tool\'s hook input. session-start registers a session (the tool\'s session_id maps to it) and returns the welcome packet as context; ' +
      'user-prompt-submit heartbeats and returns a note about unread messages, decided approvals and leases about to expire that this session has not been told of yet; ' +
      'stop returns a block decision once per waiting message that expects a reply (never while stop_hook_active); session-end ends the session. ' +
      'stdout is what the hook prints (null: print nothing), in the tool\'s documented hook output format.',
    params: z
      .object({
        tool: z.enum(HOOK_TOOLS),
        event: z.enum(HOOK_EVENTS),
        payload: hookPayload,
        pid: z.number().int().min(1).max(4_194_304).optional().describe('The agent tool\'s process: the session is reaped when it exits.'),
      })
      .strict(),
    result: z.object({
      stdout: z.string().nullable(),
      exit_code: z.union([z.literal(0), z.literal(2)]),
      session_id: z.string().nullable().describe('The brains session this tool session maps to, if any.'),
    }),
    emits: ['session.started', 'session.ended', 'session.active', 'hook.nudged', 'lock.released', 'lock.acquired', 'lock.expired', 'task.released'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
});
