// Contract of the model gateway's plane: its named keys, its configuration (gateway.json), its routing decisions, its state, the record of every request it carried and what they cost.
import { z } from 'zod';
import { AUTO_MODEL, ROUTE_CLASSES } from '../gateway-config.js';
import { OPERATOR_ONLY, defineMethods } from './define.js';
import { identifier, visibleOnOneLine } from './common.js';
import { gatewayStatusSchema } from './system.js';
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
  route_class: z.enum(ROUTE_CLASSES).nullable().describe(`What the classifier made of a ${AUTO_MODEL} request; null for a named model.`),
  route_tier: z.string().nullable().describe('The tier that served it (asked for by name, or chosen for brains/auto); null when none.'),
  route_reasons: z.array(z.string()).nullable().describe('Why it went where it went: the classifier\'s features, the routing rule, retries and fallbacks.'),
  attempts: z.number().int().describe('Calls made to providers (1 unless retried or fallen back; 0 when refused before any).'),
  fallback_from: z.string().nullable().describe('The model of the tier it fell back from, when the first could not serve.'),
  cost: z.number().nullable().describe('From the price table in gateway.json (estimated when the tokens are); null when the model has no price.'),
  task_id: z.string().nullable().describe('The task its agent held claimed when the request arrived: the request is charged to it too.'),
});
export type GatewayRequestRecord = z.output<typeof requestRecord>;

const routeClass = z.enum(ROUTE_CLASSES);
const scores = z.object(Object.fromEntries(ROUTE_CLASSES.map((c) => [c, z.number()])) as Record<(typeof ROUTE_CLASSES)[number], z.ZodNumber>);

const classification = z.object({
  class: routeClass.describe('trivial, code_fix, architecture, research or docs_lookup.'),
  tier: z.string().nullable().describe('The tier routing picks for it (routing.auto, then routing.default_tier, then a tier named default); null when the default provider serves it.'),
  scores: scores.describe('Every class\'s score (the highest wins; ties go to the stronger class).'),
  reasons: z.array(z.string()).describe('Each feature found and what it added, the verdict, and the routing rule that picked the tier.'),
});
export type GatewayClassification = z.output<typeof classification>;

const breakerView = z.object({
  provider: z.string(),
  state: z.enum(['closed', 'open', 'half_open']).describe('closed: calls go through; open: skipped until opens_until; half_open: the next call is a trial.'),
  consecutive_failures: z.number().int(),
  opens_until: z.string().nullable().describe('While open: when it lets one trial call through.'),
});
export type GatewayBreakerView = z.output<typeof breakerView>;

const routeTarget = z.object({
  model: z.string().nullable().describe('The model under models (null: a provider/model name or the default provider).'),
  provider: z.string(),
  upstream_model: z.string().describe('The name the provider knows it by.'),
  breaker: z.enum(['closed', 'open', 'half_open']),
});

const routeDecision = z.object({
  model: z.string().describe('The model asked for.'),
  auto: z.boolean().describe(`True for ${AUTO_MODEL}: classified, then routed.`),
  class: routeClass.nullable(),
  tier: z.string().nullable(),
  targets: z.array(routeTarget).describe('In the order they are tried: the first serves, the rest are fallbacks.'),
  preamble: z.boolean().describe('Whether the operator preamble (gateway.json preamble) is put before the system prompt.'),
  scores: scores.nullable(),
  reasons: z.array(z.string()),
});
export type GatewayRouteDecision = z.output<typeof routeDecision>;

const limitView = z.object({
  bucket: z.string().describe('admin, key:<name>, or agent:<project>/<agent>.'),
  requests_last_minute: z.number().int(),
  tokens_last_minute: z.number().int(),
});
export type GatewayLimitView = z.output<typeof limitView>;

/** A prompt as the classifier reads it: any text, bounded. */
const promptText = z.string().max(1_048_576, 'at most 1 MiB of text (the classifier reads the first 32 KiB and the length)');

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
  'gateway.classify': {
    summary: `How ${AUTO_MODEL} would classify a prompt and which tier it would go to, without calling a model.`,
    description: 'Features of the text (length, code blocks, error output, keywords) add weighted points to each class; reasons list every one.',
    params: z.object({ text: promptText.describe('The prompt, as the newest user turn of a request would carry it.') }).strict(),
    result: classification,
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.route': {
    summary: 'Where a request for a model would go (provider, upstream model, fallbacks in order, breaker states) and why, without calling a model.',
    description: `For ${AUTO_MODEL} the text is classified first (give text; without it the empty prompt is classified).`,
    params: z
      .object({
        model: z.string().min(1).max(256).superRefine(visibleOnOneLine).describe(`A model, a tier, provider/model, or ${AUTO_MODEL}.`),
        text: promptText.optional().describe(`The prompt, for ${AUTO_MODEL}.`),
      })
      .strict(),
    result: routeDecision,
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.status': {
    summary: 'The gateway now: whether it listens, each provider\'s circuit breaker, and what each caller used of its rate limits in the last minute.',
    params: z.object({}).strict(),
    result: z.object({
      gateway: gatewayStatusSchema,
      breakers: z.array(breakerView).describe('One per configured provider (echo included).'),
      limits: z.array(limitView).describe('Callers with a limit that made requests in the last minute.'),
    }),
    emits: [],
    allow: OPERATOR_ONLY,
  },
  'gateway.requests': {
    summary: 'The requests the gateway carried, newest first: key, agent, model, provider, status, latency, tokens, and how each was routed.',
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
