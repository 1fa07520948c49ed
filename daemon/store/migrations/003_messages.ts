// Migration 3: messages (tables filled in with the plane).
export default {
  version: 3,
  name: 'messages',
  sql: ``,
};
