// Migration 9: what each session has already been reminded of by its tool's hooks (filled in with the hooks plane).
export default {
  version: 9,
  name: 'hook reminders',
  sql: ``,
};
