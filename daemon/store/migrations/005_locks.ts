// Migration 5: locks (tables filled in with the plane).
export default {
  version: 5,
  name: 'locks',
  sql: ``,
};
