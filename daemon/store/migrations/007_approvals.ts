// Migration 7: approvals and handoffs (tables filled in with the plane).
export default {
  version: 7,
  name: 'approvals and handoffs',
  sql: ``,
};
