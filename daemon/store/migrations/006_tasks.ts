// Migration 6: tasks (tables filled in with the plane).
export default {
  version: 6,
  name: 'tasks',
  sql: ``,
};
