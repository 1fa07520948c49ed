// Which provider serves a model: tiers name models, models name providers, `provider/model` names one directly, anything else goes to the default (echo).
import { ECHO_PROVIDER, type GatewayConfig, type ProviderConfig } from '../../rpc/gateway-config.js';
import { AnthropicProvider } from './providers/anthropic.js';
import { EchoProvider } from './providers/echo.js';
import { OpenAICompatibleProvider } from './providers/openai-compatible.js';
import type { Provider } from './providers/provider.js';

export interface Route {
  provider: Provider;
  upstreamModel: string;
}

export interface ListedModel {
  id: string;
  provider: string;
  /** A tier is an alias of a model. */
  tier_of: string | null;
}

function build(name: string, config: ProviderConfig): Provider {
  if (config.type === 'echo') return new EchoProvider(name);
  if (config.type === 'anthropic') return new AnthropicProvider(name, config);
  return new OpenAICompatibleProvider(name, config);
}

export class Router {
  private readonly providers = new Map<string, Provider>();

  constructor(private readonly config: GatewayConfig) {
    this.providers.set(ECHO_PROVIDER, new EchoProvider(ECHO_PROVIDER));
    for (const [name, provider] of Object.entries(config.providers ?? {})) this.providers.set(name, build(name, provider));
  }

  route(model: string): Route {
    const models = this.config.models ?? {};
    const named = this.config.tiers?.[model] ?? model;
    const entry = Object.prototype.hasOwnProperty.call(models, named) ? models[named] : undefined;
    if (entry) return { provider: this.providers.get(entry.provider)!, upstreamModel: entry.model ?? named };
    const slash = model.indexOf('/');
    if (slash > 0) {
      const provider = this.providers.get(model.slice(0, slash));
      if (provider) return { provider, upstreamModel: model.slice(slash + 1) };
    }
    return { provider: this.providers.get(this.config.default_provider ?? ECHO_PROVIDER)!, upstreamModel: model };
  }

  providerList(): Array<{ name: string; type: string }> {
    return [...this.providers.values()].map((p) => ({ name: p.name, type: p.type }));
  }

  models(): ListedModel[] {
    const out: ListedModel[] = [];
    for (const [id, m] of Object.entries(this.config.models ?? {})) out.push({ id, provider: m.provider, tier_of: null });
    for (const [id, target] of Object.entries(this.config.tiers ?? {})) out.push({ id, provider: this.config.models?.[target]?.provider ?? ECHO_PROVIDER, tier_of: target });
    if (!out.some((m) => m.id === ECHO_PROVIDER)) out.push({ id: ECHO_PROVIDER, provider: ECHO_PROVIDER, tier_of: null });
    return out;
  }
}
