// What outlives one request: the router for the gateway.json in use (rebuilt when it changes), the providers' breakers and the callers' rate windows.
import { AUTO_MODEL } from '../../rpc/gateway-config.js';
import type { GatewayBreakerView, GatewayClassification, GatewayRouteDecision } from '../../rpc/contract/gateway.js';
import type { Logger } from '../log.js';
import { Breakers } from './breaker.js';
import type { GatewayConfigFile } from './config.js';
import { RateLimiter } from './limits.js';
import { Router } from './routing.js';

export class GatewayPolicy {
  readonly breakers: Breakers;
  readonly limiter = new RateLimiter();
  private current: Router;
  private generation: number;

  constructor(
    readonly config: GatewayConfigFile,
    log: Logger,
  ) {
    this.breakers = new Breakers((provider, failures, cooldownMs) =>
      log.warn('gateway provider circuit breaker opened: calls skip it until a trial call succeeds', { provider, failures, cooldown_s: cooldownMs / 1000 }),
    );
    this.generation = config.generation;
    this.current = new Router(config.get());
  }

  /** The router for the configuration in use, rebuilt when gateway.json changed. */
  router(): Router {
    const generation = this.config.generation;
    if (generation !== this.generation) {
      this.generation = generation;
      this.current = new Router(this.config.get());
    }
    return this.current;
  }

  /** The classifier's verdict and the tier brains/auto would take (the same plan a request gets). */
  classify(text: string): GatewayClassification {
    const plan = this.router().plan(AUTO_MODEL, () => text);
    return { class: plan.class!, tier: plan.tier, scores: plan.scores!, reasons: plan.reasons };
  }

  route(model: string, text: string): GatewayRouteDecision {
    const plan = this.router().plan(model, () => text);
    return {
      model,
      auto: plan.auto,
      class: plan.class,
      tier: plan.tier,
      targets: plan.targets.map((t) => ({ model: t.model, provider: t.provider.name, upstream_model: t.upstreamModel, breaker: this.breakers.of(t.provider.name).view().state })),
      preamble: plan.preamble !== null,
      scores: plan.scores,
      reasons: plan.reasons,
    };
  }

  breakerViews(): GatewayBreakerView[] {
    return this.breakers.views(this.router().providerList().map((p) => p.name));
  }
}
