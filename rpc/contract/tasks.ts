// Contract of the tasks plane: a per-project work queue agents claim from, by priority then age, exactly once each.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { identifier, pageFields, visibleOnOneLine, waitFields, waitOutcome } from './common.js';

export const TASK_PRIORITIES = ['p0', 'p1', 'p2', 'p3'] as const;
export const TASK_STATUSES = ['open', 'claimed', 'done', 'failed', 'cancelled'] as const;
/** A task in one of these never changes status again. */
export const FINAL_TASK_STATUSES = ['done', 'failed', 'cancelled'] as const;

export const MAX_TASK_BODY_BYTES = 64 * 1024;
export const MAX_TASK_NOTE_BYTES = 16 * 1024;
export const MAX_TASK_NOTES = 500;
export const MAX_TASK_LABELS = 50;

/** Tasks are numbered across the daemon: task-1, task-2, ... never reused. */
export const taskId = z.string().regex(/^task-[1-9][0-9]{0,14}$/, 'a task id such as task-12');

const priority = z.enum(TASK_PRIORITIES);
const status = z.enum(TASK_STATUSES);
const label = z
  .string()
  .regex(/^[^\s\p{Cc}]{1,100}$/u, 'a label of 1 to 100 characters without spaces or control characters')
  .superRefine(visibleOnOneLine);
const labels = z.array(label).max(MAX_TASK_LABELS);
const title = z.string().min(1).max(500).regex(/\S/, 'a title with some visible text').superRefine(visibleOnOneLine);
const sessionId = z.string().min(1).max(64);

const taskNote = z.object({ author: z.string(), time: z.string(), text: z.string() });

export const taskRecord = z.object({
  task_id: z.string(),
  project_id: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  priority,
  labels: z.array(z.string()),
  status,
  created_by: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  claimed_by: z.string().nullable().describe('Who holds it now (claimed), or who finished it (done, failed).'),
  claimed_session: z.string().nullable(),
  claimed_at: z.string().nullable(),
  notes: z.array(taskNote),
  handoff: z
    .object({ approval_id: z.string(), status: z.string() })
    .nullable()
    .describe('The newest handoff naming this task (handoff.submit task_id): pending while it waits for the operator, then approved or denied.'),
});
export type TaskRecord = z.output<typeof taskRecord>;

/** What task.list gives per task: everything but the body and the notes, which task.get returns. */
export const taskSummary = taskRecord.omit({ body: true, notes: true }).extend({ note_count: z.number().int() });
export type TaskSummary = z.output<typeof taskSummary>;

export const tasksMethods = defineMethods({
  'task.create': {
    summary: 'Add a task to a project queue (status open), with a priority p0..p3 and optional labels.',
    description: 'p0 is the most urgent. Agents take tasks with task.claim; labels let an agent claim only the tasks it is fit for.',
    params: z
      .object({
        project_id: identifier,
        title,
        body: z.string().optional().describe(`Details, up to ${MAX_TASK_BODY_BYTES} bytes.`),
        priority: priority.default('p2'),
        labels: labels.optional(),
        created_by: identifier.optional().describe('The member creating it; default operator.'),
      })
      .strict(),
    result: taskRecord,
    emits: ['task.created'],
    actor: ['created_by'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'task_create',
  },
  'task.claim': {
    summary: 'Take the next open task (p0 first, then oldest), or a named one; null when none is open.',
    description:
      'Exactly one agent gets each task, however many claim at once. Pass session_id so the task returns to the queue if your session ends; without it the task returns when your identity has no live session left. With wait: true, park until a matching task opens.',
    params: z
      .object({
        project_id: identifier,
        agent_name: identifier,
        session_id: sessionId.optional(),
        task_id: taskId.optional().describe('Claim this task rather than the next in line.'),
        labels: labels.optional().describe('Only tasks that carry all of these labels.'),
        ...waitFields,
      })
      .strict(),
    result: z.object({ task: taskRecord.nullable().describe('The task you now hold; null when none was open (or, with wait, none opened in time).'), ...waitOutcome }),
    emits: ['task.claimed'],
    ownSession: 'always',
    actor: ['agent_name'],
    project: ['project_id'],
    session: ['session_id'],
    mutates: true,
    mcpTool: 'task_claim',
  },
  'task.update': {
    summary: 'Change a task status (done, failed, cancelled, or open to release) and/or append a note.',
    description:
      'done and failed: by the claimer, the coordinator or the operator, on a claimed task. cancelled: by the creator, the coordinator or the operator, on an open or claimed task. open: releases a claimed task (as task.release). done, failed and cancelled are final. A note alone may be added by any member at any time.',
    params: z
      .object({
        project_id: identifier,
        task_id: taskId,
        agent_name: identifier,
        status: status.optional(),
        note: z.string().min(1).optional().describe(`Up to ${MAX_TASK_NOTE_BYTES} bytes; kept with author and time.`),
      })
      .strict(),
    result: taskRecord,
    emits: ['task.updated', 'task.released'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'task_update',
  },
  'task.release': {
    summary: 'Put a claimed task back in the queue; by its claimer, the coordinator or the operator.',
    params: z.object({ project_id: identifier, task_id: taskId, agent_name: identifier }).strict(),
    result: taskRecord,
    emits: ['task.released'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'task_release',
  },
  'task.get': {
    summary: 'One task in full, with its body and notes.',
    params: z.object({ project_id: identifier, task_id: taskId }).strict(),
    result: taskRecord,
    emits: [],
    project: ['project_id'],
    mcpTool: 'task_get',
  },
  'task.list': {
    summary: 'Tasks of a project in queue order (p0 first, then oldest), filtered by status, claimer, labels or priority.',
    params: z
      .object({
        project_id: identifier,
        status: status.optional(),
        claimed_by: identifier.optional(),
        labels: labels.optional().describe('Only tasks that carry all of these labels.'),
        priority: priority.optional(),
        ...pageFields,
      })
      .strict(),
    result: z.object({ tasks: z.array(taskSummary), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }),
    emits: [],
    project: ['project_id'],
    mcpTool: 'task_list',
  },
});
