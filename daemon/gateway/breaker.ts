// A circuit breaker per provider, so a provider in a bad minute is skipped (or fallen back from) instead of being waited on by every request.
import type { GatewayBreakerView } from '../../rpc/contract/gateway.js';

export interface BreakerSettings {
  /** Consecutive failures that open it. */
  failures: number;
  cooldownMs: number;
}

/** One call let through: it must end with exactly one of these (a trial call in half-open decides the state). */
export interface Permit {
  succeeded(): void;
  failed(): void;
  /** Neither: the caller went away, or the failure was not the provider's. */
  released(): void;
}

export class Breaker {
  private state: 'closed' | 'open' | 'half_open' = 'closed';
  private consecutive = 0;
  private opensUntil = 0;
  private trialOut = false;

  constructor(
    readonly provider: string,
    private readonly onOpen: (provider: string, failures: number, cooldownMs: number) => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {}

  /** A permit to call the provider, or null while it is open (or its one half-open trial is out). */
  enter(settings: BreakerSettings): Permit | null {
    const now = this.clock();
    if (this.state === 'open') {
      if (now < this.opensUntil) return null;
      this.state = 'half_open';
      this.trialOut = false;
    }
    let trial = false;
    if (this.state === 'half_open') {
      if (this.trialOut) return null;
      this.trialOut = true;
      trial = true;
    }
    let done = false;
    const once = (fn: () => void) => () => {
      if (done) return;
      done = true;
      fn();
    };
    return {
      succeeded: once(() => {
        this.state = 'closed';
        this.consecutive = 0;
        this.trialOut = false;
      }),
      failed: once(() => {
        this.consecutive += 1;
        if (trial || (this.state === 'closed' && this.consecutive >= settings.failures)) {
          this.state = 'open';
          this.opensUntil = this.clock() + settings.cooldownMs;
          this.trialOut = false;
          this.onOpen(this.provider, this.consecutive, settings.cooldownMs);
        }
      }),
      released: once(() => {
        if (trial) this.trialOut = false;
      }),
    };
  }

  /** A call that answered, then broke off mid-answer (a stream cut short): a failure of the provider all the same. */
  brokeOff(settings: BreakerSettings): void {
    if (this.state !== 'closed') return;
    this.consecutive += 1;
    if (this.consecutive < settings.failures) return;
    this.state = 'open';
    this.opensUntil = this.clock() + settings.cooldownMs;
    this.onOpen(this.provider, this.consecutive, settings.cooldownMs);
  }

  /** When it lets calls through again (ms since the epoch), or null when it does now. */
  blockedUntil(): number | null {
    const now = this.clock();
    if (this.state === 'open' && now < this.opensUntil) return this.opensUntil;
    return null;
  }

  view(): GatewayBreakerView {
    const now = this.clock();
    const open = this.state === 'open' && now < this.opensUntil;
    const state = open ? 'open' : this.state === 'closed' ? 'closed' : 'half_open';
    return { provider: this.provider, state, consecutive_failures: this.consecutive, opens_until: open ? new Date(this.opensUntil).toISOString() : null };
  }
}

/** Every provider's breaker, kept across gateway.json reloads (a provider keeps its state while it keeps its name). */
export class Breakers {
  private readonly byProvider = new Map<string, Breaker>();

  constructor(
    private readonly onOpen?: (provider: string, failures: number, cooldownMs: number) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  of(provider: string): Breaker {
    let breaker = this.byProvider.get(provider);
    if (!breaker) {
      breaker = new Breaker(provider, this.onOpen, this.clock);
      this.byProvider.set(provider, breaker);
    }
    return breaker;
  }

  views(providers: readonly string[]): GatewayBreakerView[] {
    return providers.map((name) => this.of(name).view());
  }
}
