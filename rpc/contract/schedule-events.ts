// The events of schedules: created, changed and deleted, and each run from its start to its end.
import { z } from 'zod';
import { defineEvents } from './define.js';
import { SCHEDULE_RUN_STATUSES, SCHEDULE_TRIGGERS } from './schedules.js';

const ofProject = (e: { data: unknown }): string | null => {
  const projectId = (e.data as { project_id?: unknown } | null)?.project_id;
  return typeof projectId === 'string' ? projectId : null;
};
const scheduleFacts = { name: z.string(), project_id: z.string() };
const runFacts = { ...scheduleFacts, n: z.number().int(), due_at: z.string(), trigger: z.enum(SCHEDULE_TRIGGERS) };

export const scheduleEvents = defineEvents({
  'schedule.created': {
    summary: 'A schedule was created.',
    subject: 'schedule name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...scheduleFacts, created_by: z.string(), kind: z.string(), enabled: z.boolean(), next_run_at: z.string().nullable() }),
  },
  'schedule.updated': {
    summary: 'A schedule changed (when, action, settings), or was paused or resumed.',
    subject: 'schedule name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...scheduleFacts, changed: z.array(z.string()), enabled: z.boolean(), next_run_at: z.string().nullable() }),
  },
  'schedule.deleted': {
    summary: 'A schedule was deleted with its run log.',
    subject: 'schedule name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...scheduleFacts, by: z.string() }),
  },
  'schedule.run_started': {
    summary: 'A schedule\'s run started (its due time came, a catch-up after downtime, or schedule.fire).',
    subject: 'schedule name',
    delivery: 'log',
    project: ofProject,
    data: z.object(runFacts),
  },
  'schedule.run_finished': {
    summary: 'A schedule\'s run ended: ok, failed, skipped (the reason in error) or interrupted (the daemon stopped).',
    subject: 'schedule name',
    delivery: 'log',
    project: ofProject,
    data: z.object({ ...runFacts, status: z.enum(SCHEDULE_RUN_STATUSES), output: z.string().nullable(), error: z.string().nullable() }),
  },
});
