// SQL for shared resources: the current version of each, its content kept apart from the manifest so listings never load it.
import type { Db } from './open.js';

export type ResourceEncoding = 'text' | 'base64';

/** Everything about a resource except its content. `permissions` is JSON text: {read: [...], write: [...]}. */
export interface ResourceManifestRow {
  project_id: string;
  resource_id: string;
  name: string;
  description: string | null;
  mime_type: string;
  encoding: ResourceEncoding;
  size_bytes: number;
  permissions: string;
  creator_agent: string;
  created_at: string;
  updated_at: string;
  updated_by: string;
  version: number;
}

/** Text content comes back as a string, base64 content as its decoded bytes. */
export interface ResourceRow extends ResourceManifestRow {
  content: string | Buffer;
}

const MANIFEST_COLUMNS =
  'project_id, resource_id, name, description, mime_type, encoding, size_bytes, permissions, creator_agent, created_at, updated_at, updated_by, version';

/** What `reader` may read: its creator always, anyone through '*' or their name in permissions.read; a null reader reads all. */
const READABLE_BY = `(@reader IS NULL OR creator_agent = @reader
  OR EXISTS (SELECT 1 FROM json_each(permissions, '$.read') WHERE value IN ('*', @reader)))`;

export class ResourceRepo {
  constructor(private readonly db: Db) {}

  get(projectId: string, resourceId: string): ResourceRow | null {
    return (this.db.prepare('SELECT * FROM resources WHERE project_id = ? AND resource_id = ?').get(projectId, resourceId) as ResourceRow | undefined) ?? null;
  }

  manifest(projectId: string, resourceId: string): ResourceManifestRow | null {
    return (
      (this.db.prepare(`SELECT ${MANIFEST_COLUMNS} FROM resources WHERE project_id = ? AND resource_id = ?`).get(projectId, resourceId) as
        | ResourceManifestRow
        | undefined) ?? null
    );
  }

  /** Insert a new resource or replace the current version of an existing one. */
  upsert(row: ResourceRow): void {
    this.db
      .prepare(
        `INSERT INTO resources (project_id, resource_id, name, description, mime_type, encoding, content, size_bytes, permissions, creator_agent, created_at, updated_at, updated_by, version)
         VALUES (@project_id, @resource_id, @name, @description, @mime_type, @encoding, @content, @size_bytes, @permissions, @creator_agent, @created_at, @updated_at, @updated_by, @version)
         ON CONFLICT (project_id, resource_id) DO UPDATE SET
           name = excluded.name, description = excluded.description, mime_type = excluded.mime_type, encoding = excluded.encoding,
           content = excluded.content, size_bytes = excluded.size_bytes, permissions = excluded.permissions,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by, version = excluded.version`,
      )
      .run(row);
  }

  delete(projectId: string, resourceId: string): boolean {
    return this.db.prepare('DELETE FROM resources WHERE project_id = ? AND resource_id = ?').run(projectId, resourceId).changes > 0;
  }

  /** Manifests `reader` may read (a null reader: all of them), oldest first, with the total they number. */
  listReadable(projectId: string, reader: string | null, offset: number, limit: number): { rows: ResourceManifestRow[]; total: number } {
    const rows = this.db
      .prepare(`SELECT ${MANIFEST_COLUMNS} FROM resources WHERE project_id = @project_id AND ${READABLE_BY} ORDER BY created_at, resource_id LIMIT @limit OFFSET @offset`)
      .all({ project_id: projectId, reader, limit, offset }) as ResourceManifestRow[];
    const total = this.db.prepare(`SELECT count(*) FROM resources WHERE project_id = @project_id AND ${READABLE_BY}`).pluck().get({ project_id: projectId, reader }) as number;
    return { rows, total };
  }

  /** Ids of the resources `reader` may read, for hints in error messages. */
  readableIds(projectId: string, reader: string | null, limit: number): string[] {
    return this.db
      .prepare(`SELECT resource_id FROM resources WHERE project_id = @project_id AND ${READABLE_BY} ORDER BY created_at, resource_id LIMIT @limit`)
      .pluck()
      .all({ project_id: projectId, reader, limit }) as string[];
  }
}
