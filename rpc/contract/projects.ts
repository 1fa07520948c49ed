// Contract of the projects plane: workspaces where agents with friendly names cooperate, led by one coordinator.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { identifier, visibleOnOneLine, jsonObject, pageFields, timedOut, waitFields, waitOutcome, workingDirectory } from './common.js';

export const ROLE_DESCRIPTIONS = {
  coordinator:
    'YOUR ROLE: As coordinator agent, you facilitate human-in-the-loop approval. You present contributor work to humans, await their signoff, then relay decisions back to contributors. Never accept work without human approval first!',
  contributor: 'YOUR ROLE: As contributor agent, you complete assigned work and send handoff messages to the coordinator when ready for human review.',
} as const;

const role = z.enum(['coordinator', 'contributor']);
const memberRecord = z.object({
  agent_name: z.string(),
  agent_id: z.string(),
  client_id: z.string().nullable().describe('The identity that holds this name: its sessions in session.list carry the same client_id.'),
  role,
  capabilities: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  online: z.boolean(),
  last_seen: z.string(),
  joined_at: z.string(),
});
const projectRecord = z.object({
  project_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  context: z.record(z.string(), z.unknown()),
  created_by: z.string(),
  created_at: z.string(),
  archived: z.boolean(),
  archived_at: z.string().nullable(),
  archive_reason: z.string().nullable(),
});

const capabilities = z.array(z.string().min(1).max(100).superRefine(visibleOnOneLine)).max(50);
// Keys are checked on the record, so the refusal names labels (a key's own issue would only say "Invalid key in record").
const labels = z
  .record(z.string().max(100), z.string().max(500).superRefine(visibleOnOneLine))
  .superRefine((record, ctx) => {
    for (const key of Object.keys(record)) visibleOnOneLine(key, ctx);
  });

export const projectsMethods = defineMethods({
  'project.create': {
    summary: 'Create a project; its creator (agent_name, if given) becomes the coordinator.',
    description: 'project_id is derived from the name when omitted. Pass agent_name with working_directory to join as coordinator at once; otherwise the first agent to join becomes coordinator.',
    params: z
      .object({
        project_id: identifier.optional(),
        name: z.string().min(1).max(200).superRefine(visibleOnOneLine),
        description: z.string().max(5000).optional(),
        context: jsonObject.optional().describe('Shared context every member sees (goal, timeline, links).'),
        agent_name: identifier.optional(),
        working_directory: workingDirectory.optional(),
        client_id: identifier.optional(),
      })
      .strict(),
    result: z.object({ project_id: z.string(), name: z.string(), created_at: z.string(), coordinator: z.string().nullable(), message: z.string() }),
    emits: ['project.created', 'project.joined'],
    allow: ['operator', 'instance', 'client'],
    actor: ['agent_name'],
    project: ['project_id'],
    takesName: true,
    mutates: true,
    mcpTool: 'create_project',
  },
  'project.list': {
    summary: 'Projects, oldest first, with paging; archived ones only when asked.',
    params: z.object({ ...pageFields, include_archived: z.boolean().default(false) }).strict(),
    result: z.object({
      projects: z.array(projectRecord.pick({ project_id: true, name: true, description: true, archived: true, created_at: true }).extend({ member_count: z.number().int() })),
      total: z.number().int(),
      offset: z.number().int(),
      limit: z.number().int(),
    }),
    emits: [],
    mcpTool: 'list_projects',
  },
  'project.info': {
    summary: 'A project with its shared context and members (online state, last seen); can wait for it to be created.',
    params: z.object({ project_id: identifier, ...waitFields }).strict(),
    result: z.discriminatedUnion('timed_out', [
      z.object({ project: projectRecord, members: z.array(memberRecord), coordinator: z.string().nullable(), ...waitOutcome, timed_out: z.literal(false) }),
      timedOut({ project_id: z.string() }),
    ]),
    emits: [],
    project: ['project_id'],
    mcpTool: 'get_project_info',
  },
  'project.join': {
    summary: 'Join a project under a friendly agent_name unique in it; rejoining from the same identity resumes.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier,
        working_directory: workingDirectory.optional(),
        client_id: identifier.optional(),
        capabilities: capabilities.optional(),
        labels: labels.optional(),
      })
      .strict(),
    result: z.object({
      project_id: z.string(),
      agent_name: z.string(),
      agent_id: z.string(),
      role,
      role_description: z.string(),
      rejoined: z.boolean(),
      suggested_names: z.array(z.string()).describe('Common agent names nobody in the project has taken yet.'),
      message: z.string(),
    }),
    emits: ['project.joined'],
    actor: ['agent_name'],
    project: ['project_id'],
    takesName: true,
    mutates: true,
    mcpTool: 'join_project',
  },
  'project.leave': {
    summary: 'Leave a project; locks and tasks held there are released, and a leaving coordinator hands the role on.',
    params: z.object({ project_id: identifier, agent_name: identifier }).strict(),
    result: z.object({
      left: z.literal(true),
      new_coordinator: z.string().nullable().describe('Who holds the coordinator role now, when the one who left held it.'),
      archived_messages: z.number().int().describe('Messages that were still waiting for you; they are kept in the history, never delivered.'),
      message: z.string(),
    }),
    emits: ['project.left', 'project.coordinator_changed', 'lock.released', 'task.released'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'leave_project',
  },
  'project.archive': {
    summary: 'Mark a project finished: it becomes read-only. By its creator, its coordinator, or the operator.',
    params: z.object({ project_id: identifier, agent_name: identifier.optional(), archive_reason: z.string().max(2000).superRefine(visibleOnOneLine).optional() }).strict(),
    result: z.object({ project_id: z.string(), archived_at: z.string() }),
    emits: ['project.archived'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'archive_project',
  },
  'project.delete': {
    summary: 'Delete a project and everything in it. Only its creator (or the operator) may.',
    params: z.object({ project_id: identifier, agent_name: identifier.optional() }).strict(),
    result: z.object({ deleted: z.literal(true), project_id: z.string() }),
    emits: ['project.deleted', 'lock.released', 'task.released'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'delete_project',
  },
  'project.handover': {
    summary: 'Move the coordinator role to another member, atomically; only the current coordinator may.',
    params: z.object({ project_id: identifier, from_agent: identifier, to_agent: identifier }).strict(),
    result: z.object({ project_id: z.string(), from_agent: z.string(), to_agent: z.string(), message: z.string() }),
    emits: ['project.coordinator_changed'],
    actor: ['from_agent'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'handover_coordinator',
  },
});
