// Contract of the resources plane: shared documents in a project, versioned, with per-resource read and write lists (Brainstorm's store/get/list/delete_resource).
import { z } from 'zod';
import { defineMethods } from './define.js';
import { identifier, pageFields, timedOut, visibleOnOneLine, waitFields, waitOutcome } from './common.js';

export const RESOURCE_ENCODINGS = ['text', 'base64'] as const;
export const EVERYONE = '*';
export const MAX_PERMISSION_NAMES = 1000;

/** An agent name, or '*' for every member. */
const permissionName = z.union([z.literal(EVERYONE), identifier]);
const nameList = z.array(permissionName).max(MAX_PERMISSION_NAMES);

const permissionsIn = z
  .object({
    read: nameList.optional().describe("Who may read: agent names, or '*' for every member. Default ['*']."),
    write: nameList.optional().describe("Who may write: agent names, or '*'. Default: the creator only."),
  })
  .strict();

export const resourcePermissions = z.object({ read: z.array(z.string()), write: z.array(z.string()) });

export const resourceManifest = z.object({
  resource_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  mime_type: z.string(),
  encoding: z.enum(RESOURCE_ENCODINGS),
  creator_agent: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  updated_by: z.string(),
  version: z.number().int(),
  etag: z.string().describe('An opaque tag of this version (Brainstorm\'s etag): pass it back as etag when you store, to refuse the store if someone else wrote first.'),
  size_bytes: z.number().int(),
  permissions: resourcePermissions,
});

/** An etag as resource manifests carry it; anything longer is not one of ours. */
export const MAX_ETAG_LENGTH = 200;

const mimeType = z
  .string()
  .max(255)
  .regex(/^[A-Za-z0-9][\w!#$&^.+-]*\/[A-Za-z0-9][\w!#$&^.+-]*(\s*;[^\r\n]*)?$/, 'a media type such as text/markdown or application/json; charset=utf-8');

export const resourcesMethods = defineMethods({
  'resource.store': {
    summary: 'Create or replace a shared resource in a project; every store raises its version by one.',
    description:
      "Content is text, or base64 with encoding: 'base64' (its decoded size counts against resource_max_bytes). A new resource is readable by everyone and writable by its creator unless permissions say otherwise; the creator can always read and write it. Updating needs write permission; only the creator (or the operator) may change permissions, and permissions or description left out keep their current values. Pass if_version (the version you last read; 0 for 'only if it does not exist yet'), or Brainstorm style the etag you last read, to refuse the store with CONFLICT when someone else wrote first. Content may be left out: a new resource is then a manifest with empty content, and an update keeps the content it had.",
    params: z
      .object({
        project_id: identifier,
        resource_id: identifier,
        agent_name: identifier.describe('Who writes (the operator may too).'),
        name: z.string().min(1).max(200).superRefine(visibleOnOneLine),
        description: z.string().max(5000).optional(),
        content: z.string().optional().describe("The content: text, or base64 when encoding is 'base64'. Left out: empty for a new resource, unchanged on an update."),
        encoding: z.enum(RESOURCE_ENCODINGS).default('text'),
        mime_type: mimeType.optional().describe('Default text/plain for text, application/octet-stream for base64; kept on update when left out.'),
        permissions: permissionsIn.optional(),
        if_version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Store only if the current version is this (0: only if it does not exist).'),
        etag: z.string().min(1).max(MAX_ETAG_LENGTH).optional().describe('Store only if the resource is still at this etag (from its manifest); a mismatch is CONFLICT with code ETAG_MISMATCH in its details.'),
      })
      .strict(),
    result: z.object({ resource_id: z.string(), version: z.number().int(), etag: z.string(), created: z.boolean(), size_bytes: z.number().int(), updated_at: z.string() }),
    emits: ['resource.stored'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'store_resource',
  },
  'resource.get': {
    summary: 'A resource with its manifest, if you may read it; can wait for it to be created.',
    description: "Binary resources come back as base64 (manifest.encoding says which). With wait: true, parks until the resource exists; if it does not appear in time the answer is timed_out: true.",
    params: z.object({ project_id: identifier, resource_id: identifier, agent_name: identifier, ...waitFields }).strict(),
    result: z.discriminatedUnion('timed_out', [
      z.object({ manifest: resourceManifest, content: z.string(), ...waitOutcome, timed_out: z.literal(false) }),
      timedOut({ project_id: z.string(), resource_id: z.string() }),
    ]),
    emits: [],
    actor: ['agent_name'],
    project: ['project_id'],
    mcpTool: 'get_resource',
  },
  'resource.list': {
    summary: 'Manifests of the resources in a project that you may read, oldest first, with paging.',
    params: z.object({ project_id: identifier, agent_name: identifier, ...pageFields }).strict(),
    result: z.object({ resources: z.array(resourceManifest), total: z.number().int(), offset: z.number().int(), limit: z.number().int() }),
    emits: [],
    actor: ['agent_name'],
    project: ['project_id'],
    mcpTool: 'list_resources',
  },
  'resource.delete': {
    summary: 'Delete a resource. Only its creator (or the operator) may.',
    params: z.object({ project_id: identifier, resource_id: identifier, agent_name: identifier }).strict(),
    result: z.object({ deleted: z.literal(true), resource_id: z.string() }),
    emits: ['resource.deleted'],
    actor: ['agent_name'],
    project: ['project_id'],
    mutates: true,
    mcpTool: 'delete_resource',
  },
});
