// Contract of the sessions plane: running agent instances, the identity a working directory resumes, and the welcome packet.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { absolutePath, identifier, visibleOnOneLine, workingDirectory } from './common.js';

export const TOOLS = ['claude-code', 'codex', 'copilot', 'gemini', 'cursor', 'managed', 'other'] as const;
export const SESSION_STATES = ['active', 'idle', 'gone'] as const;

const sessionId = z.string().min(1).max(64);

export const sessionRecord = z.object({
  session_id: z.string(),
  client_id: z.string(),
  tool: z.string(),
  working_directory: z.string().nullable(),
  pid: z.number().int().nullable(),
  transcript_path: z.string().nullable(),
  label: z.string().nullable(),
  state: z.enum(SESSION_STATES),
  started_at: z.string(),
  last_seen: z.string(),
  ended_at: z.string().nullable(),
  end_reason: z.string().nullable(),
});

const membershipSummary = z.object({
  project_id: z.string(),
  project_name: z.string(),
  agent_name: z.string(),
  role: z.enum(['coordinator', 'contributor']),
  role_description: z.string(),
  archived: z.boolean(),
  labels: z.record(z.string(), z.string()),
  joined_at: z.string(),
  last_seen: z.string(),
  online: z.boolean(),
  unread_messages: z.number().int(),
  has_unread: z.boolean(),
});

/** Sections other planes add to the welcome packet (each fills its own through a hook). */
export const welcomeExtras = z.object({
  unread_by_project: z.record(z.string(), z.number().int()).describe('Unread messages per project_id.'),
  pending_approvals: z.array(z.object({ approval_id: z.string(), project_id: z.string(), kind: z.string(), title: z.string(), status: z.string() }).passthrough()),
  locks: z.array(z.object({ key: z.string(), mode: z.string(), token: z.number().int(), expires_at: z.string() }).passthrough()),
  tasks: z.array(z.object({ task_id: z.string(), project_id: z.string(), title: z.string(), status: z.string(), priority: z.string() }).passthrough()),
});
export type WelcomeExtras = z.output<typeof welcomeExtras>;

const candidate = z.object({
  client_id: z.string(),
  names: z.array(z.object({ project_id: z.string(), agent_name: z.string() })).describe('The names this identity holds.'),
});

export const welcomePacket = z.object({
  client_id: z.string(),
  working_directory: z.string().nullable(),
  identity_pending: z
    .boolean()
    .describe('True when several agents worked in this directory and none runs now: say which you are (status with agent_name) before acting.'),
  candidates: z.array(candidate).describe('With identity_pending: the identities this agent could be.'),
  identity_reminder: z.array(z.string()).describe('One line per project: who you are there and your role.'),
  projects: z.array(membershipSummary),
  total_projects: z.number().int(),
  total_unread_messages: z.number().int(),
  pending_approvals: welcomeExtras.shape.pending_approvals,
  locks: welcomeExtras.shape.locks,
  tasks: welcomeExtras.shape.tasks,
});

const whoFields = {
  working_directory: workingDirectory
    .optional()
    .describe('Your project root: it resumes the identity that worked there when exactly one did and no running agent holds it.'),
  client_id: identifier.optional().describe('An explicit identity (like Brainstorm\'s BRAINSTORM_CLIENT_ID); always wins over the directory.'),
  agent_name: identifier
    .optional()
    .describe('Who you are (BRAINS_AGENT): the identity that holds this name here; always wins over the directory, and settles which one you are when several could be.'),
};

export const sessionsMethods = defineMethods({
  'session.start': {
    summary: 'Register a running agent instance and get its welcome packet (identities, unread, approvals, locks, tasks).',
    description:
      'Call once when an agent starts. Its identity (the names it holds in projects) is: the one client_id or agent_name says; else the one identity that worked in working_directory and no running agent holds now; else a new one (with several free, the agent says which with session.status agent_name). A second agent started in the same directory is someone else. Send session.heartbeat regularly; a session without heartbeats (or whose pid died) is reaped and its locks and claimed tasks are released. With bind: true this connection becomes the new agent instance; the secret lets its other connections say so (session.authenticate).',
    params: z
      .object({
        tool: z.enum(TOOLS),
        ...whoFields,
        pid: z.number().int().min(1).max(4_194_304).optional(),
        transcript_path: absolutePath.optional(),
        label: z.string().max(200).superRefine(visibleOnOneLine).optional(),
        bind: z.boolean().default(false).describe('Make this connection act as the new agent instance (what brains mcp does at start).'),
      })
      .strict(),
    result: welcomePacket.extend({
      session_id: z.string(),
      secret: z
        .string()
        .nullable()
        .describe('The instance secret (only to the operator\'s socket): every other connection of this instance presents it with session.authenticate.'),
    }),
    emits: ['session.started'],
    mutates: true,
    mcpTool: 'start_session',
  },
  'session.status': {
    summary: 'Who you are in every project (Brainstorm `status`): your names, roles, unread mail, approvals, locks and tasks; agent_name says which you are.',
    description:
      'An agent instance gets its own identity. When several agents worked in its directory and none runs now, the answer lists them (identity_pending, candidates) and the agent says which it is by calling status again with agent_name; a name none of them holds starts a new identity.',
    params: z.object(whoFields).strict(),
    result: welcomePacket,
    emits: [],
    mutates: true,
    mcpTool: 'status',
  },
  'session.whoami': {
    summary: 'Who this connection speaks for: the operator, an agent instance, a token or a wired key, and the names it holds.',
    params: z.object({}).strict(),
    result: z.object({
      principal: z.enum(['operator', 'instance', 'token', 'client']),
      label: z.string().describe('As audit rows name it: operator, instance:<session_id>, token:<project>/<agent>, client:<tool>.'),
      session_id: z.string().nullable(),
      client_id: z.string().nullable(),
      working_directory: z.string().nullable(),
      names: z.array(z.object({ project_id: z.string(), agent_name: z.string() })).describe('The (project, name) pairs it acts as; empty for the operator, who may act as anyone.'),
      identity_pending: z.boolean(),
    }),
    emits: [],
  },
  'session.authenticate': {
    summary: 'Make this connection speak for an agent: with a per-agent token (mcp.token, BRAINS_AGENT_TOKEN), or an instance secret (session.start).',
    description:
      'A connection that never authenticates is the operator (the socket is your own). Once bound, a connection stays bound: open another to act as someone else. A token acts only as its agent in its project and sees only that project.',
    params: z
      .object({
        token: z.string().min(1).max(512).optional(),
        secret: z.string().min(1).max(512).optional(),
      })
      .strict(),
    result: z.object({
      principal: z.enum(['instance', 'token']),
      label: z.string(),
      session_id: z.string().nullable(),
      project_id: z.string().nullable(),
      agent_name: z.string().nullable(),
    }),
    emits: [],
  },
  'session.heartbeat': {
    summary: 'Show you are alive: by session_id, or (Brainstorm style) by project_id and agent_name.',
    params: z
      .object({
        session_id: sessionId.optional(),
        project_id: identifier.optional(),
        agent_name: identifier.optional(),
        online: z.boolean().default(true),
      })
      .strict(),
    result: z.object({ ok: z.literal(true), last_seen: z.string() }),
    emits: ['session.active', 'session.idle'],
    ownSession: 'unless-project',
    actor: ['agent_name'],
    project: ['project_id'],
    session: ['session_id'],
    mcpTool: 'heartbeat',
  },
  'session.end': {
    summary: 'End a session: its locks are released and its claimed tasks go back to the queue.',
    params: z.object({ session_id: sessionId, reason: z.string().max(500).superRefine(visibleOnOneLine).optional() }).strict(),
    result: z.object({ session_id: z.string(), state: z.literal('gone') }),
    emits: ['session.ended', 'lock.released', 'lock.acquired', 'lock.expired', 'task.released'],
    ownSession: 'always',
    session: ['session_id'],
    mutates: true,
  },
  'session.list': {
    summary: 'Sessions, newest first: live ones by default, or filtered by state or tool.',
    params: z
      .object({
        state: z.enum(SESSION_STATES).optional(),
        tool: z.enum(TOOLS).optional(),
        include_gone: z.boolean().default(false),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({ sessions: z.array(sessionRecord) }),
    emits: [],
  },
});
