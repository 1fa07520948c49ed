// Which provider serves a request: tiers name models (the first serves, the rest are fallbacks), models name providers, `provider/model` names one
// directly, brains/auto is classified and routed by policy to a tier, anything else goes to the default provider (echo).
import { AUTO_MODEL, ECHO_PROVIDER, RESILIENCE_DEFAULTS, tierModels, type GatewayConfig, type ProviderConfig, type RouteClass } from '../../rpc/gateway-config.js';
import type { BreakerSettings } from './breaker.js';
import { classify } from './classify.js';
import { AnthropicProvider } from './providers/anthropic.js';
import { EchoProvider } from './providers/echo.js';
import { OpenAICompatibleProvider } from './providers/openai-compatible.js';
import type { Provider } from './providers/provider.js';

export interface Route {
  provider: Provider;
  upstreamModel: string;
}

/** One place a request may go, in the order of its plan. */
export interface RouteTarget extends Route {
  /** Its name under models; null for provider/model or the default provider. */
  model: string | null;
}

export interface RoutePlan {
  model: string;
  auto: boolean;
  class: RouteClass | null;
  tier: string | null;
  /** Tried in order: the first serves, the rest are fallbacks. */
  targets: RouteTarget[];
  scores: Record<RouteClass, number> | null;
  reasons: string[];
  /** The operator's system message for this request, or null. */
  preamble: string | null;
}

export interface Resilience {
  retries: number;
  breaker: BreakerSettings;
}

export interface ListedModel {
  id: string;
  provider: string;
  /** A tier is an alias of a model (its first). */
  tier_of: string | null;
}

function build(name: string, config: ProviderConfig): Provider {
  if (config.type === 'echo') return new EchoProvider(name);
  if (config.type === 'anthropic') return new AnthropicProvider(name, config);
  return new OpenAICompatibleProvider(name, config);
}

const own = (table: object | undefined, key: string) => table !== undefined && Object.prototype.hasOwnProperty.call(table, key);

export class Router {
  private readonly providers = new Map<string, Provider>();
  /** Each tier's reason line, made once per configuration. */
  private readonly tierReasons = new Map<string, string>();

  constructor(private readonly config: GatewayConfig) {
    this.providers.set(ECHO_PROVIDER, new EchoProvider(ECHO_PROVIDER));
    for (const [name, provider] of Object.entries(config.providers ?? {})) this.providers.set(name, build(name, provider));
  }

  /** Where a request for `model` goes, and why; `text` (the prompt) is read only for brains/auto. */
  plan(model: string, text: () => string): RoutePlan {
    if (model === AUTO_MODEL) return this.auto(text());
    const plan: RoutePlan = { model, auto: false, class: null, tier: null, targets: [], scores: null, reasons: [], preamble: null };
    if (own(this.config.tiers, model)) {
      plan.tier = model;
      plan.targets = this.tierTargets(model);
      plan.reasons.push(this.describeTier(model));
      return plan;
    }
    const named = this.modelTarget(model);
    if (named) {
      plan.targets = [named];
      plan.reasons.push(`model ${model}: provider ${named.provider.name} as ${named.upstreamModel}`);
      return plan;
    }
    const slash = model.indexOf('/');
    const provider = slash > 0 ? this.providers.get(model.slice(0, slash)) : undefined;
    if (provider) {
      plan.targets = [{ provider, upstreamModel: model.slice(slash + 1), model: null }];
      plan.reasons.push(`provider/model: provider ${provider.name} as ${model.slice(slash + 1)}`);
      return plan;
    }
    plan.targets = [this.defaultTarget(model)];
    plan.reasons.push(`no model, tier or provider is named ${model}: the default provider ${plan.targets[0]!.provider.name}`);
    return plan;
  }

  /** The first place a model goes (count_tokens, and callers that need no plan). */
  route(model: string, text = ''): Route {
    return this.plan(model, () => text).targets[0]!;
  }

  /** The tier a class goes to by routing.auto, then routing.default_tier, then a tier named default; and the rule that said so. */
  tierFor(routeClass: RouteClass): { tier: string; rule: string } | null {
    const routing = this.config.routing;
    const mapped = routing?.auto?.[routeClass];
    if (mapped !== undefined) return { tier: mapped, rule: `routing.auto.${routeClass}` };
    if (routing?.default_tier !== undefined) return { tier: routing.default_tier, rule: `routing.default_tier (routing.auto names no tier for ${routeClass})` };
    if (own(this.config.tiers, 'default')) return { tier: 'default', rule: `the tier named default (routing names no tier for ${routeClass})` };
    return null;
  }

  resilience(provider: Provider): Resilience {
    const config = this.config.providers?.[provider.name];
    if (provider.type === 'echo' || !config) return { retries: 0, breaker: { failures: RESILIENCE_DEFAULTS.breaker.failures, cooldownMs: RESILIENCE_DEFAULTS.breaker.cooldown_seconds * 1000 } };
    return {
      retries: config.retries ?? RESILIENCE_DEFAULTS.retries,
      breaker: {
        failures: config.breaker?.failures ?? RESILIENCE_DEFAULTS.breaker.failures,
        cooldownMs: (config.breaker?.cooldown_seconds ?? RESILIENCE_DEFAULTS.breaker.cooldown_seconds) * 1000,
      },
    };
  }

  providerList(): Array<{ name: string; type: string }> {
    return [...this.providers.values()].map((p) => ({ name: p.name, type: p.type }));
  }

  models(): ListedModel[] {
    const out: ListedModel[] = [];
    for (const [id, m] of Object.entries(this.config.models ?? {})) out.push({ id, provider: m.provider, tier_of: null });
    for (const [id, target] of Object.entries(this.config.tiers ?? {})) {
      const first = tierModels(target)[0]!;
      out.push({ id, provider: this.config.models?.[first]?.provider ?? ECHO_PROVIDER, tier_of: first });
    }
    if (Object.keys(this.config.tiers ?? {}).length > 0) out.push({ id: AUTO_MODEL, provider: 'brains', tier_of: null });
    if (!out.some((m) => m.id === ECHO_PROVIDER)) out.push({ id: ECHO_PROVIDER, provider: ECHO_PROVIDER, tier_of: null });
    return out;
  }

  private auto(text: string): RoutePlan {
    const classified = classify(text);
    const plan: RoutePlan = {
      model: AUTO_MODEL,
      auto: true,
      class: classified.class,
      tier: null,
      targets: [],
      scores: classified.scores,
      reasons: classified.reasons,
      preamble: this.config.preamble ?? null,
    };
    const picked = this.tierFor(classified.class);
    if (picked) {
      plan.tier = picked.tier;
      plan.targets = this.tierTargets(picked.tier);
      plan.reasons.push(`${picked.rule} -> tier ${picked.tier}`, this.describeTier(picked.tier));
    } else {
      plan.targets = [this.defaultTarget(AUTO_MODEL)];
      const why = Object.keys(this.config.tiers ?? {}).length === 0 ? 'no tiers are configured' : `routing names no tier for ${classified.class} and no tier is named default`;
      plan.reasons.push(`${why}: the default provider ${plan.targets[0]!.provider.name} serves it`);
    }
    if (plan.preamble !== null) plan.reasons.push('the operator preamble goes before the system prompt');
    return plan;
  }

  private modelTarget(model: string): RouteTarget | null {
    if (!own(this.config.models, model)) return null;
    const entry = this.config.models![model]!;
    return { provider: this.providers.get(entry.provider)!, upstreamModel: entry.model ?? model, model };
  }

  private tierTargets(tier: string): RouteTarget[] {
    return tierModels(this.config.tiers![tier]!).map((model) => this.modelTarget(model)!);
  }

  private describeTier(tier: string): string {
    let said = this.tierReasons.get(tier);
    if (said === undefined) {
      said = this.sayTier(tier);
      this.tierReasons.set(tier, said);
    }
    return said;
  }

  private sayTier(tier: string): string {
    const targets = this.tierTargets(tier).map((t) => `${t.model} (${t.provider.name})`);
    return `tier ${tier}: ${targets[0]}${targets.length > 1 ? `, falling back to ${targets.slice(1).join(', then ')}` : ''}`;
  }

  private defaultTarget(model: string): RouteTarget {
    return { provider: this.providers.get(this.config.default_provider ?? ECHO_PROVIDER)!, upstreamModel: model, model: null };
  }
}
