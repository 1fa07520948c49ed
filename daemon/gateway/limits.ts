// Per-caller sliding-window limits (requests and tokens in the last minute), so one runaway agent or key cannot spend everyone's provider quota.
import type { LimitsConfig, WindowLimit } from '../../rpc/gateway-config.js';
import type { GatewayLimitView } from '../../rpc/contract/gateway.js';
import type { GatewayCaller } from './keys.js';

const WINDOW_MS = 60_000;

/** The window a caller counts in and the limit it has there (the rule that set it named as in gateway.json). */
export interface CallerLimit {
  bucket: string;
  rule: string;
  limit: WindowLimit;
}

/** Which limit holds for a caller: its key name's, else its agent's, else per_key; null when none does. */
export function limitFor(limits: LimitsConfig | undefined, caller: GatewayCaller): CallerLimit | null {
  if (!limits) return null;
  const bucket = caller.agent_name !== null ? `agent:${caller.project_id ?? ''}/${caller.agent_name}` : caller.label;
  const keyName = caller.label === 'admin' ? 'admin' : caller.label.startsWith('key:') ? caller.label.slice(4) : null;
  const own = (table: Record<string, WindowLimit> | undefined, name: string | null) => (name !== null && table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined);
  const byKey = own(limits.keys, keyName);
  if (byKey) return { bucket: `key:${keyName}`, rule: `limits.keys.${keyName}`, limit: byKey };
  const byAgent = own(limits.agents, caller.agent_name);
  if (byAgent) return { bucket, rule: `limits.agents.${caller.agent_name}`, limit: byAgent };
  return limits.per_key ? { bucket, rule: 'limits.per_key', limit: limits.per_key } : null;
}

interface Entry {
  at: number;
  tokens: number;
  /** Still counted (false once it left the window). */
  live: boolean;
}

/** One admitted request: tell it the tokens it really used once the answer is in. */
export interface Ticket {
  settle(tokens: number): void;
}

export type Admission = { ok: true; ticket: Ticket } | { ok: false; retryAfterSeconds: number; message: string };

const NO_TICKET: Ticket = { settle: () => {} };

/** The requests of one bucket in the last minute, oldest first (a queue with a moving head). */
class Window {
  entries: Entry[] = [];
  head = 0;
  tokens = 0;

  prune(now: number): void {
    const edge = now - WINDOW_MS;
    while (this.head < this.entries.length && this.entries[this.head]!.at <= edge) {
      const gone = this.entries[this.head]!;
      gone.live = false;
      this.tokens -= gone.tokens;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  get count(): number {
    return this.entries.length - this.head;
  }

  /** When `free` more requests' worth of room has opened (the time the free-th oldest leaves). */
  freedAfterRequests(free: number): number {
    return this.entries[this.head + free - 1]!.at + WINDOW_MS;
  }

  /** When enough tokens have left for `need` more under `limit` (all of them, for a request larger than the limit). */
  freedAfterTokens(need: number, limit: number): number {
    let used = this.tokens;
    for (let i = this.head; i < this.entries.length; i += 1) {
      used -= this.entries[i]!.tokens;
      if (used + need <= limit || used <= 0) return this.entries[i]!.at + WINDOW_MS;
    }
    return this.entries[this.entries.length - 1]!.at + WINDOW_MS;
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  /**
   * Count a request in, or say when to come back. Tokens count the request's estimated input now and its real usage
   * once settled; a request larger than tokens_per_minute alone goes through only into an empty window.
   */
  admit(who: CallerLimit | null, estimatedTokens: number, now = Date.now()): Admission {
    if (who === null) return { ok: true, ticket: NO_TICKET };
    const { requests_per_minute: rpm, tokens_per_minute: tpm } = who.limit;
    if (rpm === undefined && tpm === undefined) return { ok: true, ticket: NO_TICKET };
    let window = this.windows.get(who.bucket);
    if (!window) {
      window = new Window();
      this.windows.set(who.bucket, window);
    }
    window.prune(now);
    if (rpm !== undefined && window.count >= rpm) {
      const retry = window.freedAfterRequests(window.count - rpm + 1);
      return refusal(retry, now, `rate limit: ${who.bucket} made ${window.count} requests in the last minute (${who.rule}.requests_per_minute: ${rpm})`);
    }
    if (tpm !== undefined && window.tokens > 0 && window.tokens + estimatedTokens > tpm) {
      const retry = window.freedAfterTokens(estimatedTokens, tpm);
      const larger = estimatedTokens > tpm ? `; this request alone is about ${estimatedTokens} tokens, so it waits for an empty window` : '';
      return refusal(retry, now, `rate limit: ${who.bucket} used ${window.tokens} tokens in the last minute (${who.rule}.tokens_per_minute: ${tpm})${larger}`);
    }
    const entry: Entry = { at: now, tokens: estimatedTokens, live: true };
    window.entries.push(entry);
    window.tokens += estimatedTokens;
    const counted = window;
    return {
      ok: true,
      ticket: {
        settle: (tokens) => {
          if (!entry.live || !Number.isFinite(tokens) || tokens < 0) return;
          counted.tokens += tokens - entry.tokens;
          entry.tokens = tokens;
        },
      },
    };
  }

  /** What each bucket has used in the last minute. */
  views(now = Date.now()): GatewayLimitView[] {
    const out: GatewayLimitView[] = [];
    for (const [bucket, window] of this.windows) {
      window.prune(now);
      if (window.count === 0) {
        this.windows.delete(bucket);
        continue;
      }
      out.push({ bucket, requests_last_minute: window.count, tokens_last_minute: window.tokens });
    }
    return out.sort((a, b) => a.bucket.localeCompare(b.bucket));
  }
}

function refusal(retryAt: number, now: number, message: string): Admission {
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  return { ok: false, retryAfterSeconds, message: `${message}; retry after ${retryAfterSeconds} s` };
}
