// Contract of the schedules plane: cron, interval and one-shot schedules that run an agent turn, open a task or send a message.
import { z } from 'zod';
import { defineMethods } from './define.js';
import { identifier, jsonValue, visibleOnOneLine } from './common.js';
import { TASK_PRIORITIES } from './tasks.js';
import { lockKey } from './locks.js';

export const SCHEDULE_RUN_STATUSES = ['running', 'ok', 'failed', 'skipped', 'interrupted'] as const;
export type ScheduleRunStatus = (typeof SCHEDULE_RUN_STATUSES)[number];
/** What started a run: its due time came, a catch-up after downtime, or schedule.fire. */
export const SCHEDULE_TRIGGERS = ['due', 'catch_up', 'fire'] as const;
export const CATCH_UP_MODES = ['once', 'skip'] as const;
export const TURN_SESSIONS = ['conversation', 'isolated'] as const;
export const ACTION_KINDS = ['turn', 'task', 'message'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Longest title template (the expanded title must fit a task title, 500 characters). */
export const MAX_TITLE_TEMPLATE_CHARS = 400;
/** Largest task body template, in bytes (the expanded body must fit a task body). */
export const MAX_BODY_TEMPLATE_BYTES = 60 * 1024;
export const MAX_JITTER_SECONDS = 3600;
export const MAX_LOCK_WAIT_SECONDS = 3600;
export const DEFAULT_SCHEDULE_LOCK_TTL_SECONDS = 900;

export const scheduleName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use 1 to 100 letters, digits, _, - or . (no spaces or slashes)')
  .describe('The schedule\'s name, unique in this daemon.');

export const scheduleWhen = z
  .object({
    cron: z.string().min(1).max(200).optional().describe('Five fields (minute hour day-of-month month day-of-week) or six (seconds first), e.g. "0 9 * * 1-5".'),
    tz: z.string().min(1).max(100).optional().describe('With cron: an IANA time zone such as Europe/Berlin (default: the daemon\'s).'),
    every_seconds: z.number().int().optional().describe('Run every N seconds (N ≥ 1), the first N seconds after it is created.'),
    at: z.string().min(1).max(100).optional().describe('Run once at this ISO-8601 time (with a zone or Z), which must be in the future.'),
  })
  .strict()
  .describe('When it runs: {cron, tz?}, {every_seconds} or {at}.');
export type ScheduleWhen = z.output<typeof scheduleWhen>;

const turnAction = {
  agent_name: identifier.optional().describe('A turn: the managed agent that gets prompt.'),
  prompt: z.string().min(1).optional().describe('A turn: what the agent is told (as agent.send text).'),
  session: z.enum(TURN_SESSIONS).optional().describe('A turn: conversation (default) continues its session; isolated runs in a fresh one each time.'),
};
const taskTemplate = z
  .object({
    title_template: z.string().min(1).regex(/\S/, 'a title with some visible text').superRefine(visibleOnOneLine).describe('The task title; {date}, {time} and {n} (the run number) are filled in.'),
    body: z.string().optional().describe('The task body; the same placeholders are filled in.'),
    priority: z.enum(TASK_PRIORITIES).optional(),
    labels: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .strict();
const messageTemplate = z
  .object({
    to_agent: identifier.optional(),
    broadcast: z.boolean().optional(),
    payload: jsonValue.describe('Any JSON; a string has {date}, {time} and {n} filled in.'),
  })
  .strict();

export const scheduleAction = z
  .object({
    ...turnAction,
    task: taskTemplate.optional().describe('A task in project_id from a template.'),
    message: messageTemplate.optional().describe('A message in project_id: to_agent or broadcast: true.'),
  })
  .strict()
  .describe('What it does: a turn {agent_name, prompt, session?}, a task {task: {title_template, body?, priority?, labels?}} or a message {message: {to_agent | broadcast, payload}}.');
export type ScheduleAction = z.output<typeof scheduleAction>;

export const scheduleLock = z
  .object({
    key: lockKey,
    wait_seconds: z.number().min(0).max(MAX_LOCK_WAIT_SECONDS).optional().describe('How long a run waits for the lock before it is skipped (default 0).'),
    ttl_seconds: z.number().min(1).max(86400).optional().describe(`The lease's length (default ${DEFAULT_SCHEDULE_LOCK_TTL_SECONDS}); released when the run ends.`),
  })
  .strict()
  .describe('A lock each run takes first (as the schedule\'s owner in its project), so scheduled work does not collide with interactive work.');

const settable = {
  when: scheduleWhen,
  action: scheduleAction,
  catch_up: z.enum(CATCH_UP_MODES).optional().describe('After downtime: once (default) runs a missed run once on start; skip records it as skipped.'),
  jitter_seconds: z.number().int().min(0).max(MAX_JITTER_SECONDS).optional().describe('Each run starts up to this many seconds late, at random (spreads load).'),
  lock: scheduleLock.optional(),
  enabled: z.boolean().optional().describe('false creates it paused.'),
};

const lastRun = z.object({ n: z.number().int(), status: z.enum(SCHEDULE_RUN_STATUSES), due_at: z.string(), finished_at: z.string().nullable() });

export const scheduleRecord = z.object({
  name: z.string(),
  project_id: z.string(),
  created_by: z.string().describe('Who it runs as: operator, or the agent that created it.'),
  when: z.object({ cron: z.string().optional(), tz: z.string().optional(), every_seconds: z.number().optional(), at: z.string().optional() }),
  action: z.object({ kind: z.enum(ACTION_KINDS) }).passthrough(),
  catch_up: z.enum(CATCH_UP_MODES),
  jitter_seconds: z.number().int(),
  lock: z.object({ key: z.string(), wait_seconds: z.number(), ttl_seconds: z.number() }).nullable(),
  enabled: z.boolean(),
  next_run_at: z.string().nullable().describe('When it runs next; null when paused or a one-shot that ran.'),
  run_count: z.number().int(),
  last_run: lastRun.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ScheduleRecord = z.output<typeof scheduleRecord>;

export const scheduleRunRecord = z.object({
  name: z.string(),
  n: z.number().int().describe('The run number (1 for the first).'),
  trigger: z.enum(SCHEDULE_TRIGGERS),
  due_at: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  status: z.enum(SCHEDULE_RUN_STATUSES),
  output: z.string().nullable().describe('A summary of what it did (the answer, the task, the message).'),
  error: z.string().nullable(),
  turn_id: z.string().nullable(),
  task_id: z.string().nullable(),
  message_id: z.string().nullable(),
});
export type ScheduleRunRecord = z.output<typeof scheduleRunRecord>;

const named = z.object({ name: scheduleName }).strict();
const projectOf = { project: ['project_id'] as const };

export const schedulesMethods = defineMethods({
  'schedule.create': {
    summary: 'Schedule an agent turn, a task or a message: by cron (with a time zone), every N seconds, or once at a time.',
    description:
      'A schedule runs as whoever created it: the operator\'s as the operator; an agent\'s as that agent in project_id, doing only what it may do itself (it may schedule its own turns, never another agent\'s). ' +
      'A task or a message needs project_id; a turn runs in its agent\'s project. Each run is claimed once per due time, so a restart never runs it twice; schedule.runs shows the log.',
    params: z
      .object({
        name: scheduleName,
        ...settable,
        project_id: identifier.optional().describe('The project its task or message goes to (a turn: its agent\'s project).'),
        created_by: identifier.optional().describe('Who it runs as; an agent leaves it out (itself), the operator too.'),
      })
      .strict(),
    result: scheduleRecord,
    emits: ['schedule.created'],
    actor: ['created_by'],
    ...projectOf,
    mutates: true,
    mcpTool: 'schedule_create',
  },
  'schedule.list': {
    summary: 'Schedules (the ones you may see), each with its next run time and last status.',
    params: z.object({ project_id: identifier.optional() }).strict(),
    result: z.object({ schedules: z.array(scheduleRecord) }),
    emits: [],
    ...projectOf,
    mcpTool: 'schedule_list',
  },
  'schedule.get': {
    summary: 'One schedule: when, what, its next run and last status.',
    params: named,
    result: scheduleRecord,
    emits: [],
    mcpTool: 'schedule_get',
  },
  'schedule.update': {
    summary: 'Change a schedule\'s when, action, catch_up, jitter, lock or enabled; its next run is worked out again.',
    params: z
      .object({
        name: scheduleName,
        when: scheduleWhen.optional(),
        action: scheduleAction.optional(),
        project_id: identifier.optional(),
        catch_up: settable.catch_up,
        jitter_seconds: settable.jitter_seconds,
        lock: scheduleLock.nullable().optional().describe('null removes the lock.'),
        enabled: settable.enabled,
      })
      .strict(),
    result: scheduleRecord,
    emits: ['schedule.updated'],
    ...projectOf,
    mutates: true,
    mcpTool: 'schedule_update',
  },
  'schedule.pause': {
    summary: 'Stop a schedule running until schedule.resume (a run under way finishes).',
    params: named,
    result: scheduleRecord,
    emits: ['schedule.updated'],
    mutates: true,
    mcpTool: 'schedule_pause',
  },
  'schedule.resume': {
    summary: 'Let a paused schedule run again, from its next due time after now (missed runs are not caught up).',
    params: named,
    result: scheduleRecord,
    emits: ['schedule.updated'],
    mutates: true,
    mcpTool: 'schedule_resume',
  },
  'schedule.delete': {
    summary: 'Remove a schedule and its run log (a run under way finishes).',
    params: named,
    result: z.object({ name: z.string(), deleted: z.literal(true) }),
    emits: ['schedule.deleted'],
    mutates: true,
    mcpTool: 'schedule_delete',
  },
  'schedule.fire': {
    summary: 'Run a schedule now, by hand (paused ones too); its timetable does not change. Answers once the run started.',
    params: named,
    result: scheduleRunRecord,
    emits: ['schedule.run_started', 'schedule.run_finished'],
    mutates: true,
    mcpTool: 'schedule_fire',
  },
  'schedule.runs': {
    summary: 'A schedule\'s run log, newest first: due time, start, finish, status (ok, failed, skipped, interrupted), output or error.',
    description: 'The last schedule_run_history runs of each schedule are kept (a runtime setting, default 100).',
    params: z
      .object({
        name: scheduleName,
        limit: z.number().int().min(1).max(500).default(20),
        before: z.number().int().min(1).optional().describe('Only runs numbered below this (page backwards).'),
      })
      .strict(),
    result: z.object({ runs: z.array(scheduleRunRecord), has_more: z.boolean() }),
    emits: [],
    mcpTool: 'schedule_runs',
  },
});
