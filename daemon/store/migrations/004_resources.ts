// Migration 4: shared resources, one row per resource holding its current version, content and permissions.
export default {
  version: 4,
  name: 'resources',
  sql: `
    CREATE TABLE resources (
      project_id    TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
      resource_id   TEXT NOT NULL,
      name          TEXT NOT NULL,
      description   TEXT,
      mime_type     TEXT NOT NULL,
      encoding      TEXT NOT NULL CHECK (encoding IN ('text', 'base64')),
      -- No type affinity: text is kept as TEXT, base64 content as its decoded bytes (BLOB).
      content       BLOB NOT NULL,
      size_bytes    INTEGER NOT NULL,
      permissions   TEXT NOT NULL,
      creator_agent TEXT NOT NULL,
      created_at    TEXT NOT NULL,
      updated_at    TEXT NOT NULL,
      updated_by    TEXT NOT NULL,
      version       INTEGER NOT NULL CHECK (version >= 1),
      PRIMARY KEY (project_id, resource_id)
    );
    CREATE INDEX resources_by_created ON resources(project_id, created_at, resource_id);
  `,
};
