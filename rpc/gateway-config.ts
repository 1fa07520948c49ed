// What gateway.json may hold (providers, models, tiers, routing, limits, prices, budgets, mail notes), checked once here for the daemon's reload and gateway.config_set alike.
import { z } from 'zod';
import { identifier } from './contract/common.js';
import { nearestName } from './nearest-name.js';

export const PROVIDER_TYPES = ['echo', 'ollama', 'openai_compatible', 'anthropic'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The built-in provider every gateway has, so everything works with no keys. */
export const ECHO_PROVIDER = 'echo';

/** Where a provider type lives when base_url is left out. */
export const DEFAULT_BASE_URLS: Partial<Record<ProviderType, string>> = {
  ollama: 'http://127.0.0.1:11434/v1',
  anthropic: 'https://api.anthropic.com',
};

/** The model a caller names to have the gateway pick one: classified, then routed by `routing.auto` to a tier. */
export const AUTO_MODEL = 'brains/auto';

/** What the classifier tells apart in a prompt; `routing.auto` maps each to a tier. */
export const ROUTE_CLASSES = ['trivial', 'code_fix', 'architecture', 'research', 'docs_lookup'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

/** A tier lists at most this many models (the first serves, the rest are fallbacks in order). */
export const MAX_TIER_MODELS = 8;

/** Retries and breaker a provider has when gateway.json says nothing of them. */
export const RESILIENCE_DEFAULTS = { retries: 2, breaker: { failures: 5, cooldown_seconds: 30 } } as const;

/** A provider key is named, never written: `${ENV:NAME}` is read from the daemon's environment at each request. */
export const ENV_REFERENCE = /^\$\{ENV:([A-Za-z_][A-Za-z0-9_]{0,127})\}$/;

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'a name of letters, digits and . _ : / - (up to 128)');

/** A gateway key's name, as gateway.key_create takes it. */
const keyName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a gateway key name: 1 to 64 letters, digits, . _ or -');

const providerSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES),
    base_url: z
      .string()
      .max(2000)
      .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
      .optional()
      .describe('The upstream API root: https://api.openai.com/v1, http://127.0.0.1:11434/v1, https://api.anthropic.com'),
    api_key: z
      .string()
      .regex(ENV_REFERENCE, 'a reference to an environment variable such as ${ENV:OPENAI_API_KEY} (keys are never written in gateway.json)')
      .optional(),
    pass_through: z.boolean().optional().describe("Forward the caller's own Authorization / x-api-key unchanged (they authenticate to brains with x-brains-key)."),
    timeout_seconds: z.number().min(1).max(3600).optional(),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .optional()
      .describe(`Tries again after a connect error, a timeout, 429 or 5xx, with backoff (default ${RESILIENCE_DEFAULTS.retries}; 0: never).`),
    breaker: z
      .object({
        failures: z.number().int().min(1).max(1000).optional().describe(`Consecutive failures that open it (default ${RESILIENCE_DEFAULTS.breaker.failures}).`),
        cooldown_seconds: z.number().min(0.1).max(3600).optional().describe(`How long it stays open before one trial request (default ${RESILIENCE_DEFAULTS.breaker.cooldown_seconds}).`),
      })
      .strict()
      .optional(),
  })
  .strict();

const modelSchema = z
  .object({
    provider: name,
    model: z.string().min(1).max(256).optional().describe('The model name the provider knows it by (default: the same name).'),
  })
  .strict();

const tierTargets = z.union([name, z.array(name).min(1).max(MAX_TIER_MODELS)], {
  error: `a model name, or a list of up to ${MAX_TIER_MODELS} model names (the first serves, the rest are fallbacks in order)`,
});

const tierName = name.describe('A tier named under tiers.');

const routingSchema = z
  .object({
    auto: z
      .object({ trivial: tierName.optional(), code_fix: tierName.optional(), architecture: tierName.optional(), research: tierName.optional(), docs_lookup: tierName.optional() })
      .strict()
      .optional()
      .describe(`${AUTO_MODEL}: the tier each class of prompt goes to.`),
    default_tier: tierName.optional().describe(`${AUTO_MODEL}: the tier of a class routing.auto does not name (default: the tier named default, if any).`),
  })
  .strict();

const windowLimit = z
  .object({
    requests_per_minute: z.number().int().min(1).max(1_000_000).optional(),
    tokens_per_minute: z.number().int().min(1).max(10_000_000_000).optional(),
  })
  .strict();

const limitsSchema = z
  .object({
    per_key: windowLimit.optional().describe('Every caller (each named key, each agent, the admin key) unless named below.'),
    keys: z.record(z.string(), windowLimit).optional().describe('By gateway key name (all keys of a name share one window); admin is the admin key.'),
    agents: z.record(z.string(), windowLimit).optional().describe('By agent name: its token and its keys share one window per project.'),
  })
  .strict();

const priceSchema = z.object({ input_per_mtok: z.number().min(0).max(1e6), output_per_mtok: z.number().min(0).max(1e6) }).strict();

/** Spend limits in the prices' currency units: per UTC day, per UTC calendar month, or both. */
const budgetSchema = z
  .object({
    daily: z.number().min(0).max(1e9).optional().describe('Most to spend in a UTC day (resets at 00:00 UTC).'),
    monthly: z.number().min(0).max(1e9).optional().describe('Most to spend in a UTC calendar month (resets on the 1st, 00:00 UTC).'),
  })
  .strict();

const budgetsSchema = z
  .object({
    agents: z.record(identifier, budgetSchema).optional().describe('By agent name (every project it is in): requests made with its token or an agent key of it.'),
    keys: z.record(keyName, budgetSchema).optional().describe('By gateway key name (gateway.key_create): requests made with any key of that name.'),
  })
  .strict();

const mailNotesSchema = z
  .object({
    enabled: z.boolean().optional().describe('Note new mail, decisions and expiring locks on the requests of every agent (default false).'),
    agents: z.record(identifier, z.boolean()).optional().describe('Per agent name: true or false, over enabled.'),
  })
  .strict();

export const gatewayConfigSchema = z
  .object({
    default_provider: name.optional().describe('Serves a model named nowhere else (default: echo).'),
    providers: z.record(name, providerSchema).optional(),
    models: z.record(name, modelSchema).optional(),
    tiers: z
      .record(name, tierTargets)
      .optional()
      .describe('A tier name -> a model name, or a list of them: the first serves, the rest are fallbacks (fast -> ["gpt-4o-mini", "qwen"]).'),
    routing: routingSchema.optional(),
    preamble: z.string().min(1).max(16_384).optional().describe(`A system message put before the caller's own in ${AUTO_MODEL} requests.`),
    limits: limitsSchema.optional(),
    prices: z.record(name, priceSchema).optional().describe('Per model (upstream name first, then the name asked for), in currency units per million tokens.'),
    budgets: budgetsSchema.optional().describe('Spend limits per agent or key; a request over one is refused with 429.'),
    mail_notes: mailNotesSchema.optional().describe("A one-line note of an agent's new mail on its own model requests (off by default)."),
    max_body_bytes: z.number().int().min(1024).max(256 * 1024 * 1024).optional(),
  })
  .strict();

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type WindowLimit = z.output<typeof windowLimit>;
export type LimitsConfig = z.output<typeof limitsSchema>;

/** A tier's models in order, whichever way gateway.json wrote them. */
export function tierModels(target: string | readonly string[]): readonly string[] {
  return typeof target === 'string' ? [target] : target;
}

const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const AGENT_NAME = /^[A-Za-z0-9_-]{1,256}$/;
export type BudgetConfig = z.output<typeof budgetSchema>;

/** Problems that span fields: names that point nowhere, a provider with no URL to call. */
function crossProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const providers = config.providers ?? {};
  const known = (provider: string) => provider === ECHO_PROVIDER || Object.prototype.hasOwnProperty.call(providers, provider);
  for (const [provider, p] of Object.entries(providers)) {
    if ((p.type === 'openai_compatible') && p.base_url === undefined) problems.push(`providers.${provider}.base_url: required for type ${p.type}`);
    if (p.pass_through && p.api_key !== undefined) problems.push(`providers.${provider}.api_key: a pass_through provider uses the caller's own key; remove api_key or pass_through`);
    if (p.pass_through && p.type !== 'anthropic' && p.type !== 'openai_compatible') problems.push(`providers.${provider}.pass_through: only anthropic and openai_compatible providers can pass a caller's key through`);
  }
  for (const [model, m] of Object.entries(config.models ?? {})) {
    if (!known(m.provider)) problems.push(`models.${model}.provider: no provider named ${JSON.stringify(m.provider)}; declare it under providers`);
  }
  for (const [tier, target] of Object.entries(config.tiers ?? {})) {
    const models = tierModels(target);
    models.forEach((model, i) => {
      const at = typeof target === 'string' ? `tiers.${tier}` : `tiers.${tier}.${i}`;
      if (!Object.prototype.hasOwnProperty.call(config.models ?? {}, model)) problems.push(`${at}: no model named ${JSON.stringify(model)}; declare it under models`);
      else if (models.indexOf(model) !== i) problems.push(`${at}: ${JSON.stringify(model)} is listed twice; list each model once`);
    });
  }
  problems.push(...routingProblems(config));
  for (const keyName of Object.keys(config.limits?.keys ?? {})) {
    if (!KEY_NAME.test(keyName)) problems.push(`limits.keys.${keyName}: not a gateway key name; use the name given to gateway.key_create (1 to 64 letters, digits, . _ or -), or admin for the admin key`);
  }
  for (const agent of Object.keys(config.limits?.agents ?? {})) {
    if (!AGENT_NAME.test(agent)) problems.push(`limits.agents.${agent}: not an agent name; use 1 to 256 letters, digits, _ or -`);
  }
  if (config.default_provider !== undefined && !known(config.default_provider)) problems.push(`default_provider: no provider named ${JSON.stringify(config.default_provider)}`);
  problems.push(...budgetProblems(config));
  return problems;
}

/** A budget names a limit, and something must have a price for spend to count against it. */
function budgetProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const lists = { agents: config.budgets?.agents ?? {}, keys: config.budgets?.keys ?? {} };
  let any = false;
  for (const [kind, list] of Object.entries(lists)) {
    for (const [who, budget] of Object.entries(list)) {
      any = true;
      if (budget.daily === undefined && budget.monthly === undefined) problems.push(`budgets.${kind}.${who}: give daily, monthly or both (an amount in the prices' units)`);
    }
  }
  if (any && Object.keys(config.prices ?? {}).length === 0) problems.push('budgets: no model has a price, so nothing would count against a budget; add prices (input_per_mtok, output_per_mtok per model)');
  return problems;
}

/** Tiers that routing names must exist; brains/auto is the gateway's own name, not a provider's or a model's. */
function routingProblems(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const tiers = config.tiers ?? {};
  const isTier = (tier: string) => Object.prototype.hasOwnProperty.call(tiers, tier);
  const known = Object.keys(tiers);
  const hint = known.length === 0 ? 'declare tiers first' : `tiers are ${known.map((t) => JSON.stringify(t)).join(', ')}`;
  for (const [routeClass, tier] of Object.entries(config.routing?.auto ?? {})) {
    if (tier !== undefined && !isTier(tier)) problems.push(`routing.auto.${routeClass}: no tier named ${JSON.stringify(tier)}; ${hint}`);
  }
  const fallback = config.routing?.default_tier;
  if (fallback !== undefined && !isTier(fallback)) problems.push(`routing.default_tier: no tier named ${JSON.stringify(fallback)}; ${hint}`);
  const [brains] = AUTO_MODEL.split('/');
  if (Object.prototype.hasOwnProperty.call(config.providers ?? {}, brains!)) problems.push(`providers.${brains}: the name ${brains} is kept for ${AUTO_MODEL}; call the provider something else`);
  for (const field of ['models', 'tiers'] as const) {
    if (Object.prototype.hasOwnProperty.call(config[field] ?? {}, AUTO_MODEL)) problems.push(`${field}.${AUTO_MODEL}: ${AUTO_MODEL} is the gateway's own routed model; use another name`);
  }
  return problems;
}

/** The fields an object at this path of gateway.json takes (through records and optionals), or none when it is not one. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = gatewayConfigSchema;
  for (const step of [...path, null]) {
    while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    if (step === null) break;
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(step)] ?? z.never();
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** "; did you mean trivial?" for the first unknown field a known one is near to. */
function didYouMean(unknownKeys: readonly string[], path: readonly PropertyKey[]): string {
  const fields = fieldsAt(path);
  for (const key of unknownKeys) {
    const nearest = nearestName(key, fields);
    if (nearest) return `; did you mean ${nearest}?`;
  }
  return '';
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** The config, or every problem as `field.path: what is wrong` (the field named as in the file). */
export function checkGatewayConfig(value: unknown): { ok: true; config: GatewayConfig } | { ok: false; problems: string[] } {
  const parsed = gatewayConfigSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, 10).map((issue) => {
        const unknownKeys = issue.code === 'unrecognized_keys' ? (issue as { keys: string[] }).keys : null;
        return unknownKeys ? `${issuePath(issue.path)}: unknown field ${unknownKeys.map((k) => JSON.stringify(k)).join(', ')}${didYouMean(unknownKeys, issue.path)}` : `${issuePath(issue.path)}: ${issue.message}`;
      }),
    };
  }
  const problems = crossProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: parsed.data };
}

/** Text of gateway.json to config, or its problems (bad JSON is one problem naming the file). */
export function parseGatewayConfig(text: string): { ok: true; config: GatewayConfig } | { ok: false; problems: string[] } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`gateway.json is not valid JSON (${(error as Error).message.slice(0, 120)})`] };
  }
  return checkGatewayConfig(value);
}
