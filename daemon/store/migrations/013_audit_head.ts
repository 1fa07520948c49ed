// Migration 13: the audit chain's head (newest seq and hash) kept in meta, written by each transaction that appends rows,
// so cutting the newest rows off the audit table leaves a head no row matches any more, and audit.verify says so.
export default {
  version: 13,
  name: 'audit head',
  sql: `
    INSERT INTO meta (key, value)
      SELECT 'audit.head', seq || ':' || hash FROM audit ORDER BY seq DESC LIMIT 1;
  `,
};
