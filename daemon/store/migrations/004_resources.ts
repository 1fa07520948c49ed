// Migration 4: resources (tables filled in with the plane).
export default {
  version: 4,
  name: 'resources',
  sql: ``,
};
