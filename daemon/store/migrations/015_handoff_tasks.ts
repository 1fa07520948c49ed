// Migration 15: a handoff may name the task it hands in, so its decision finishes or returns that task.
// It depends on nothing after migration 7 (approvals) and 6 (tasks).
export default {
  version: 15,
  name: 'handoff tasks',
  sql: `
    ALTER TABLE approvals ADD COLUMN task_no INTEGER REFERENCES tasks(task_no) ON DELETE SET NULL;
    CREATE INDEX approvals_by_task ON approvals(task_no, approval_no) WHERE task_no IS NOT NULL;
  `,
};
