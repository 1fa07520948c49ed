// Migration 12: a recipient's finished deliveries, newest first, without scanning everyone's (message.inbox reads them).
export default {
  version: 12,
  name: 'inbox',
  sql: `
    -- Finished deliveries are kept forever and keyed by message; the inbox reads one recipient's in a project, newest first.
    CREATE INDEX finished_deliveries_by_recipient ON finished_deliveries(project_id, recipient, message_seq);
  `,
};
