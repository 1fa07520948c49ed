// The resources plane: shared documents in a project, versioned, guarded by per-resource read and write lists.
import { createHash } from 'node:crypto';
import { OPERATOR } from '../../../rpc/contract/common.js';
import { EVERYONE, resourcesMethods } from '../../../rpc/contract/resources.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { EventRecord } from '../../../rpc/contract/index.js';
import { waitUntil } from '../../events/wait.js';
import { encodeBoundedJson } from '../../store/json-limits.js';
import type { ResourceEncoding, ResourceManifestRow, ResourceRow } from '../../store/resources.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireMember, requireOpenProject } from '../shared/guards.js';

interface Permissions {
  read: string[];
  write: string[];
}

const MAX_PERMISSIONS_BYTES = 64 * 1024;
const NOT_FOUND_HINT_IDS = 20;
const DEFAULT_MIME: Record<ResourceEncoding, string> = { text: 'text/plain', base64: 'application/octet-stream' };

export function resourcesHandlers(deps: PlaneDeps): HandlersFor<typeof resourcesMethods> {
  const { store } = deps;

  const notFound = (projectId: string, resourceId: string, reader: string): BrainsError => {
    const ids = store.resources.readableIds(projectId, readerFilter(reader), NOT_FOUND_HINT_IDS + 1);
    const shown = ids.slice(0, NOT_FOUND_HINT_IDS);
    const hint =
      shown.length > 0
        ? `resources you can read: ${shown.join(', ')}${ids.length > NOT_FOUND_HINT_IDS ? ', ...' : ''} (resource.list pages through all)`
        : 'none you can read yet; pass wait: true to wait for it to be stored';
    return new BrainsError('NOT_FOUND', `no resource ${resourceId} in ${projectId}; ${hint}`, { project_id: projectId, resource_id: resourceId, resources: shown });
  };

  return {
    'resource.store': (params) => {
      const { project_id, resource_id, agent_name } = params;
      requireWellFormed(params.name, 'name');
      if (params.description !== undefined) requireWellFormed(params.description, 'description');
      const given = params.content === undefined ? null : checkedContent(params.content, params.encoding, deps.settings.get('resource_max_bytes'));
      return deps.mutate((emit) => {
        requireOpenProject(store, project_id);
        requireMember(store, project_id, agent_name);
        const current = given ? store.resources.manifest(project_id, resource_id) : store.resources.get(project_id, resource_id);
        if (current && !mayWrite(current, agent_name)) {
          throw new BrainsError('PERMISSION_DENIED', `${agent_name} may not write ${resource_id}; its writers are ${describeNames(parsePermissions(current).write, current.creator_agent)}`, {
            resource_id,
            creator_agent: current.creator_agent,
            brainstorm_code: 'WRITE_PERMISSION_DENIED',
          });
        }
        requireExpectedVersion(resource_id, current, params.if_version);
        requireExpectedEtag(resource_id, current, params.etag);
        // Content left out: an update keeps what it had; a new resource is a manifest with nothing in it.
        const kept = current && 'content' in current ? { content: (current as ResourceRow).content, encoding: current.encoding, size_bytes: current.size_bytes } : null;
        const { content, encoding, size_bytes } = given ?? kept ?? { content: '', encoding: 'text' as const, size_bytes: 0 };
        const permissions = current ? permissionsAfterUpdate(current, params.permissions, agent_name) : initialPermissions(params.permissions, agent_name);
        const now = new Date().toISOString();
        const version = (current?.version ?? 0) + 1;
        const created_at = current?.created_at ?? now;
        store.resources.upsert({
          project_id,
          resource_id,
          name: params.name,
          description: params.description ?? current?.description ?? null,
          mime_type: params.mime_type ?? (current?.encoding === encoding ? current.mime_type : DEFAULT_MIME[encoding]),
          encoding,
          content,
          size_bytes,
          permissions: encodeBoundedJson(permissions, 'permissions', MAX_PERMISSIONS_BYTES),
          creator_agent: current?.creator_agent ?? agent_name,
          created_at,
          updated_at: now,
          updated_by: agent_name,
          version,
        });
        emit('resource.stored', project_id, { resource_id, version, by: agent_name, created: current === null });
        return { resource_id, version, etag: etagOf({ project_id, resource_id, created_at, version, updated_at: now }), created: current === null, size_bytes, updated_at: now };
      });
    },

    'resource.get': async ({ project_id, resource_id, agent_name, wait, timeout_seconds }, ctx) => {
      const read = () => {
        requireMember(store, project_id, agent_name);
        return store.resources.get(project_id, resource_id);
      };
      let row = read();
      let waited_ms = 0;
      if (!row && wait) {
        const outcome = await waitUntil(
          deps.bus,
          { types: ['resource.stored', 'project.deleted'], relevant: (e) => e.subject === project_id && concerns(e, resource_id), timeoutMs: timeout_seconds * 1000, signal: ctx.signal },
          read,
        );
        row = outcome.value;
        waited_ms = outcome.waited_ms;
        if (!row) return { timed_out: true as const, waited_ms, message: `resource ${resource_id} was not stored in ${project_id} within ${timeout_seconds}s; wait again or check the id`, project_id, resource_id };
      }
      if (!row) throw notFound(project_id, resource_id, agent_name);
      if (!mayRead(row, agent_name)) {
        throw new BrainsError('PERMISSION_DENIED', `${agent_name} may not read ${resource_id}; its readers are ${describeNames(parsePermissions(row).read, row.creator_agent)}; ask its creator to add you`, {
          resource_id,
          creator_agent: row.creator_agent,
          brainstorm_code: 'READ_PERMISSION_DENIED',
        });
      }
      return { manifest: manifestView(row), content: contentText(row), waited_ms, timed_out: false as const };
    },

    'resource.list': ({ project_id, agent_name, offset, limit }) => {
      requireMember(store, project_id, agent_name);
      const { rows, total } = store.resources.listReadable(project_id, readerFilter(agent_name), offset, limit);
      return { resources: rows.map(manifestView), total, offset, limit };
    },

    'resource.delete': ({ project_id, resource_id, agent_name }) => {
      return deps.mutate((emit) => {
        requireOpenProject(store, project_id);
        requireMember(store, project_id, agent_name);
        const current = store.resources.manifest(project_id, resource_id);
        if (!current) throw notFound(project_id, resource_id, agent_name);
        if (agent_name !== OPERATOR && agent_name !== current.creator_agent) {
          throw new BrainsError('PERMISSION_DENIED', `Only the creator can delete this resource (${resource_id} was created by ${current.creator_agent}); ask them or the operator`, {
            resource_id,
            creator_agent: current.creator_agent,
            brainstorm_code: 'DELETE_PERMISSION_DENIED',
          });
        }
        store.resources.delete(project_id, resource_id);
        emit('resource.deleted', project_id, { resource_id, by: agent_name });
        return { deleted: true, resource_id };
      });
    },
  };
}

/** The store filter for what an agent may read: the operator reads everything. */
function readerFilter(agentName: string): string | null {
  return agentName === OPERATOR ? null : agentName;
}

/** A wake-up for a resource wait: this resource was stored, or its whole project went away. */
function concerns(event: EventRecord, resourceId: string): boolean {
  return event.type === 'project.deleted' || (event.data as { resource_id?: unknown } | null)?.resource_id === resourceId;
}

function parsePermissions(row: ResourceManifestRow): Permissions {
  return JSON.parse(row.permissions) as Permissions;
}

function allowed(names: string[], row: ResourceManifestRow, agentName: string): boolean {
  return agentName === OPERATOR || agentName === row.creator_agent || names.includes(EVERYONE) || names.includes(agentName);
}

function mayRead(row: ResourceManifestRow, agentName: string): boolean {
  return allowed(parsePermissions(row).read, row, agentName);
}

function mayWrite(row: ResourceManifestRow, agentName: string): boolean {
  return allowed(parsePermissions(row).write, row, agentName);
}

function describeNames(names: string[], creator: string): string {
  if (names.includes(EVERYONE)) return 'every member';
  const everyone = [creator, ...names.filter((n) => n !== creator)];
  return `${everyone.join(', ')} (and the operator)`;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function initialPermissions(given: Partial<Permissions> | undefined, creator: string): Permissions {
  return { read: unique(given?.read ?? [EVERYONE]), write: unique(given?.write ?? [creator]) };
}

/** Writers keep the permissions as they are; only the creator or the operator may change them. */
function permissionsAfterUpdate(current: ResourceManifestRow, given: Partial<Permissions> | undefined, agentName: string): Permissions {
  const before = parsePermissions(current);
  const after = { read: unique(given?.read ?? before.read), write: unique(given?.write ?? before.write) };
  if (sameNames(before.read, after.read) && sameNames(before.write, after.write)) return before;
  if (agentName !== OPERATOR && agentName !== current.creator_agent) {
    throw new BrainsError(
      'PERMISSION_DENIED',
      `only the creator (${current.creator_agent}) or the operator may change the permissions of ${current.resource_id}; store again without permissions to keep them`,
      { resource_id: current.resource_id, creator_agent: current.creator_agent },
    );
  }
  return after;
}

function sameNames(a: string[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((n) => right.has(n));
}

/** if_version is the version the writer last saw (0: the resource must not exist yet). */
function requireExpectedVersion(resourceId: string, current: ResourceManifestRow | null, expected: number | undefined): void {
  if (expected === undefined) return;
  const actual = current?.version ?? 0;
  if (actual === expected) return;
  const message = current
    ? `${resourceId} is at version ${actual}, last written by ${current.updated_by} at ${current.updated_at}, not version ${expected}; read it again with resource.get, merge, and store with if_version ${actual}`
    : `${resourceId} does not exist (version 0), not version ${expected}; it may have been deleted; store with if_version 0 to create it`;
  throw new BrainsError('CONFLICT', message, { resource_id: resourceId, current_version: actual, updated_by: current?.updated_by ?? null, updated_at: current?.updated_at ?? null });
}

/** etag is the tag of the version the writer last read (Brainstorm's optimistic check); a store without one is not checked. */
function requireExpectedEtag(resourceId: string, current: ResourceManifestRow | null, expected: string | undefined): void {
  if (expected === undefined) return;
  const actual = current ? etagOf(current) : null;
  if (actual === expected) return;
  const message = current
    ? `${resourceId} has changed since you read it: its etag is now ${actual} (version ${current.version}, written by ${current.updated_by} at ${current.updated_at}), not ${expected}; read it again with resource.get, merge, and store with the new etag`
    : `${resourceId} does not exist, so no etag matches; it may have been deleted; store it without etag to create it`;
  throw new BrainsError('CONFLICT', message, { resource_id: resourceId, brainstorm_code: 'ETAG_MISMATCH', current_etag: actual, current_version: current?.version ?? 0 });
}

/** Content as it will be stored, checked: well-formed text or clean base64, within resource_max_bytes. */
function checkedContent(text: string, encoding: ResourceEncoding, limit: number): { content: string | Buffer; encoding: ResourceEncoding; size_bytes: number } {
  const content = decodeContent(text, encoding);
  const size_bytes = byteSize(content);
  if (size_bytes > limit) {
    throw new BrainsError('LIMIT_EXCEEDED', `content is ${size_bytes} bytes, over the resource_max_bytes limit of ${limit}; store less, split it into several resources, or raise the limit with config.set`, {
      limit,
      size: size_bytes,
      brainstorm_code: 'PAYLOAD_TOO_LARGE',
    });
  }
  return { content, encoding, size_bytes };
}

/** Text stays a string; base64 must decode cleanly (standard alphabet, = padding) and is kept as its bytes. */
function decodeContent(content: string, encoding: ResourceEncoding): string | Buffer {
  if (encoding === 'text') {
    requireWellFormed(content, 'content');
    return content;
  }
  const bytes = Buffer.from(content, 'base64');
  if (bytes.toString('base64') === content) return bytes;
  const bad = content.search(/[^A-Za-z0-9+/=]/);
  const why =
    bad >= 0
      ? `it has ${JSON.stringify(content[bad])} at offset ${bad}`
      : 'its length or = padding is wrong (standard base64 comes in padded groups of 4 characters)';
  throw new BrainsError('INVALID', `content is not valid base64: ${why}; encode the bytes with standard base64, or send text with encoding: 'text'`);
}

function byteSize(content: string | Buffer): number {
  return typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.length;
}

/** A lone UTF-16 surrogate cannot be stored as UTF-8 text without changing it; refuse rather than alter it. */
function requireWellFormed(text: string, field: string): void {
  const at = text.search(/\p{Surrogate}/u);
  if (at >= 0) {
    throw new BrainsError('INVALID', `${field} has a lone UTF-16 surrogate at offset ${at}, which is not Unicode text; fix the text, or send the bytes as base64 with encoding: 'base64'`, {
      field,
      offset: at,
    });
  }
}

function manifestView(row: ResourceManifestRow) {
  return {
    resource_id: row.resource_id,
    name: row.name,
    description: row.description,
    mime_type: row.mime_type,
    encoding: row.encoding,
    creator_agent: row.creator_agent,
    created_at: row.created_at,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
    version: row.version,
    etag: etagOf(row),
    size_bytes: row.size_bytes,
    permissions: parsePermissions(row),
  };
}

function contentText(row: ResourceRow): string {
  return typeof row.content === 'string' ? row.content : row.content.toString('base64');
}

/**
 * A version's opaque tag: its number, and a hash of which resource it is, when that resource was created and when this
 * version was written, so a resource deleted and stored again never matches a tag of the one before.
 */
export function etagOf(row: Pick<ResourceManifestRow, 'project_id' | 'resource_id' | 'created_at' | 'version' | 'updated_at'>): string {
  const hash = createHash('sha256').update(`${row.project_id}\0${row.resource_id}\0${row.created_at}\0${row.version}\0${row.updated_at}`).digest('base64url');
  return `${row.version}-${hash.slice(0, 16)}`;
}
