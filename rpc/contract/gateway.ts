// Contract of the model gateway's plane: its named keys, its configuration (gateway.json), the record of every request it carried and what they cost.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { identifier } from './common.js';
import { SINCE_HELP, sinceTime } from '../usage-time.js';

const isoTime = z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-12-31T00:00:00Z' });

const keyView = z.object({
  key_id: z.number().int(),
  name: z.string(),
  agent_name: z.string().nullable(),
  project_id: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  state: z.enum(['active', 'expired', 'revoked']),
  last_used_at: z.string().nullable(),
});

export const GATEWAY_ENDPOINTS = ['chat.completions', 'messages', 'messages.count_tokens', 'responses'] as const;

const requestRecord = z.object({
  id: z.number().int(),
  time: z.string().describe('When the request arrived.'),
  endpoint: z.enum(GATEWAY_ENDPOINTS),
  key: z.string().describe('Which credential: admin, token, or key:<name>.'),
  agent_name: z.string().nullable(),
  project_id: z.string().nullable(),
  model: z.string().nullable().describe('The model the caller asked for.'),
  provider: z.string().nullable(),
  upstream_model: z.string().nullable(),
  stream: z.boolean(),
  status: z.number().int().describe('The HTTP status answered (200 even when a stream later carried an error event; see error).'),
  error: z.string().nullable(),
  latency_ms: z.number(),
  ttft_ms: z.number().nullable().describe('Time to the first token (text or tool call), for streams.'),
  input_tokens: z.number().int().nullable(),
  output_tokens: z.number().int().nullable(),
  tokens_estimated: z.boolean().describe("True when the provider gave no usage and the counts are estimated (about 4 characters a token)."),
  cost: z.number().nullable().describe('From the price table in gateway.json (estimated when the tokens are); null when the model has no price.'),
  task_id: z.string().nullable().describe('The task its agent held claimed when the request arrived: the request is charged to it too.'),
});
export type GatewayRequestRecord = z.output<typeof requestRecord>;

export const USAGE_GROUPINGS = ['key', 'agent', 'model', 'day', 'task'] as const;

const usageSums = {
  requests: z.number().int().describe('Requests carried (refused ones too; count_tokens calls are not usage).'),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cost: z.number().nullable().describe('Sum of the priced requests; null when none had a price.'),
  cost_estimated: z.boolean().describe('Some of the cost comes from estimated token counts.'),
  unpriced_requests: z.number().int().describe('Requests with tokens but no price for their model: not in cost.'),
};

const usageRow = z.object({
  group: z
    .string()
    .nullable()
    .describe('The key (admin, token:<project>/<agent>, key:<name>), agent, model (the one that ran), UTC day (2026-11-30) or task; null for requests with none.'),
  project_id: z.string().nullable().describe('The project of the agent or task (by agent and task); null otherwise.'),
  ...usageSums,
});
export type GatewayUsageRow = z.output<typeof usageRow>;

const since = z.string().max(64).refine((text) => sinceTime(text) !== null, SINCE_HELP);

export const gatewayMethods = defineMethods({
  'gateway.key_create': {
    summary: 'Make a named gateway key (shown once; only its hash is kept); one that belongs to an agent makes its requests that agent’s.',
    description:
      'Several keys may share a name, so a tool can move to a new key before the old one is revoked. With agent_name (and project_id) ' +
      'the gateway records the requests as that agent’s. expires_at (ISO 8601, in the future) ends it by itself.',
    params: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of 1 to 64 letters, digits, . _ or -'),
        agent_name: identifier.optional(),
        project_id: identifier.optional(),
        expires_at: isoTime.optional(),
      })
      .strict(),
    result: z.object({ key: z.string().describe('Send it as Authorization: Bearer <key> or x-api-key. Shown only now.'), key_id: z.number().int(), name: z.string(), expires_at: z.string().nullable() }),
    emits: ['gateway.key_created'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'gateway.key_list': {
    summary: 'The named gateway keys (never the keys themselves): active, expired and revoked.',
    params: z.object({ name: z.string().max(64).optional() }).strict(),
    result: z.object({ keys: z.array(keyView) }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.key_revoke': {
    summary: 'Revoke a named gateway key by key_id, or every key of a name; requests with it are refused from now on.',
    params: z
      .object({
        key_id: z.number().int().min(1).optional().describe('The key to revoke (from gateway.key_list).'),
        name: z.string().max(64).optional().describe('Or revoke every key of this name.'),
      })
      .strict(),
    result: z.object({ revoked: z.array(z.number().int()) }),
    emits: ['gateway.key_revoked'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'gateway.config_get': {
    summary: 'The gateway configuration in use (gateway.json: providers, models, tiers, prices) and any problem with the file.',
    params: z.object({}).strict(),
    result: z.object({
      path: z.string(),
      config: z.record(z.string(), z.unknown()),
      problems: z.array(z.string()).describe('Why the file on disk was refused (the config shown is then the last good one or the defaults).'),
    }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.config_set': {
    summary: 'Replace gateway.json with this configuration, checked first; the gateway uses it at once.',
    description: 'Provider keys are named, never written: api_key takes ${ENV:NAME} only. A refused config names each field that is wrong.',
    params: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
    result: z.object({ path: z.string(), config: z.record(z.string(), z.unknown()) }),
    emits: ['gateway.config_changed'],
    allow: OPERATOR_ONLY,
    mutates: true,
  },
  'gateway.requests': {
    summary: 'The requests the gateway carried, newest first: key, agent, model, provider, status, latency, tokens.',
    params: z
      .object({
        since: isoTime.optional().describe('Only requests at or after this time.'),
        agent_name: identifier.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({ requests: z.array(requestRecord) }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.usage': {
    summary: 'Tokens and cost the gateway carried, summed by key, agent, model, day or task, most costly first, with totals.',
    description:
      'Cost comes from the prices in gateway.json at the time of each request. A request made while its agent held a claimed task is charged to that task too (by: task). ' +
      `since: ${SINCE_HELP}; until: an ISO time (exclusive). Days and periods are UTC.`,
    params: z
      .object({
        by: z.enum(USAGE_GROUPINGS),
        since: since.optional(),
        until: isoTime.optional(),
        agent_name: identifier.optional(),
        project_id: identifier.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({
      by: z.enum(USAGE_GROUPINGS),
      since: z.string().nullable().describe('The start used (a word or span resolved to a time).'),
      until: z.string().nullable(),
      rows: z.array(usageRow),
      truncated: z.boolean().describe('More groups than limit: the least costly were left out (totals count them).'),
      totals: z.object(usageSums),
    }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
});
