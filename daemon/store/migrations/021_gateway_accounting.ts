// Migration 21: what each gateway request cost and the task it was charged to, the mail notes already given, and the budget notices already sent.
// It depends on nothing after migration 19 (the gateway's tables).
export default {
  version: 21,
  name: 'gateway accounting',
  sql: `
    -- cost: from the price table at the time (null when the model had none); task_id: the task its agent held claimed.
    ALTER TABLE gateway_requests ADD COLUMN cost REAL;
    ALTER TABLE gateway_requests ADD COLUMN task_id TEXT;
    CREATE INDEX gateway_requests_task ON gateway_requests (task_id, time) WHERE task_id IS NOT NULL;

    -- What an agent has been told in a mail note (item: 'message:<id>', 'decision:<approval_no>', 'lease:<lease_id>:<expires_at>'),
    -- so each is noted once, across restarts. Rows older than 30 days are pruned when the gateway starts.
    CREATE TABLE gateway_mail_noted (
      project_id TEXT NOT NULL,
      agent_name TEXT NOT NULL,
      item       TEXT NOT NULL,
      noted_at   TEXT NOT NULL,
      PRIMARY KEY (project_id, agent_name, item)
    ) WITHOUT ROWID;
    CREATE INDEX gateway_mail_noted_by_time ON gateway_mail_noted (noted_at);

    -- One operator notice per budget (its limit included) per period: 'agents.backend.daily=5' in '2026-11-30'.
    CREATE TABLE gateway_budget_notices (
      budget      TEXT NOT NULL,
      period      TEXT NOT NULL,
      noticed_at  TEXT NOT NULL,
      PRIMARY KEY (budget, period)
    ) WITHOUT ROWID;
  `,
};
