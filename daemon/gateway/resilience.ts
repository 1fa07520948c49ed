// A request's way through its plan: each target behind its breaker, retried with backoff on a provider's bad moment (connect error, timeout, 429, 5xx;
// its Retry-After respected), then the tier's next model. It runs before anything is written to the caller, so nothing here ever retries a begun answer.
import type { Breakers } from './breaker.js';
import { GatewayError } from './errors.js';
import type { Resilience, RouteTarget } from './routing.js';

const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** A provider that asks for a longer pause than this is not waited on: the tier's next model serves, or the caller hears it. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** What happened on the way, for the request's record. */
export interface Trace {
  attempts: number;
  fallbackFrom: string | null;
  notes: string[];
}

/** A failure a value can carry (a relayed answer with a 5xx status); null when the value is an answer to give. */
export interface ValueFailure {
  message: string;
  retryAfterMs: number | null;
}

export interface AttemptOptions<T> {
  targets: readonly RouteTarget[];
  breakers: Breakers;
  resilience: (target: RouteTarget) => Resilience;
  signal: AbortSignal;
  trace: Trace;
  /** One call to one target: resolves once the provider has answered far enough to know it serves (nothing written yet). */
  run: (target: RouteTarget) => Promise<T>;
  /** A value that is itself a transient failure (pass-through answers); the last one is still given back, to relay as it is. */
  judge?: (value: T) => ValueFailure | null;
  /** A value not used after all (an earlier failed answer): let go of it. */
  discard?: (value: T) => void;
}

export interface Served<T> {
  value: T;
  target: RouteTarget;
}

function label(target: RouteTarget): string {
  return target.model ?? `${target.provider.name}/${target.upstreamModel}`;
}

/** Backoff with jitter (half to all of base·2^n, capped), or the provider's own Retry-After. */
function pause(retry: number, retryAfterMs: number | null): number {
  if (retryAfterMs !== null) return retryAfterMs;
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Serve from the first target that answers; throws the last failure (or 503 when every breaker is open). */
export async function attempt<T>(opts: AttemptOptions<T>): Promise<Served<T>> {
  const { targets, trace, signal } = opts;
  let last: { value: T; target: RouteTarget } | { error: unknown } | null = null;
  const keep = (next: typeof last) => {
    if (last && 'value' in last) opts.discard?.(last.value);
    last = next;
  };
  let blockedUntil: number | null = null;
  for (const [index, target] of targets.entries()) {
    if (index > 0) {
      trace.fallbackFrom ??= label(targets[0]!);
      trace.notes.push(`falling back to ${label(target)} (${target.provider.name})`);
    }
    const { retries, breaker: settings } = opts.resilience(target);
    const breaker = opts.breakers.of(target.provider.name);
    for (let retry = 0; retry <= retries; retry += 1) {
      if (signal.aborted) throw new GatewayError('upstream', 'the client closed the connection');
      const permit = breaker.enter(settings);
      if (!permit) {
        const until = breaker.blockedUntil();
        if (until !== null) blockedUntil = blockedUntil === null ? until : Math.min(blockedUntil, until);
        trace.notes.push(`provider ${target.provider.name}: circuit breaker open, skipped`);
        break;
      }
      trace.attempts += 1;
      let failure: { message: string; retryAfterMs: number | null };
      try {
        const value = await opts.run(target);
        const bad = opts.judge?.(value) ?? null;
        if (bad === null) {
          permit.succeeded();
          keep(null);
          return { value, target };
        }
        permit.failed();
        keep({ value, target });
        failure = bad;
      } catch (error) {
        if (signal.aborted || !(error instanceof GatewayError) || !error.transient) {
          // Not the provider's bad moment (a bad request, a missing key, the caller gone): no retry, no fallback.
          if (error instanceof GatewayError && error.upstreamStatus !== null && !signal.aborted) permit.succeeded();
          else permit.released();
          keep(null);
          throw error;
        }
        permit.failed();
        keep({ error });
        failure = error;
      }
      trace.notes.push(`attempt ${trace.attempts} (${target.provider.name}): ${failure.message}`);
      if (retry === retries) break;
      if (failure.retryAfterMs !== null && failure.retryAfterMs > MAX_RETRY_AFTER_MS) {
        trace.notes.push(`provider ${target.provider.name} asks to wait ${Math.ceil(failure.retryAfterMs / 1000)} s: not retried`);
        break;
      }
      await sleep(pause(retry, failure.retryAfterMs), signal);
    }
  }
  const final = last as { value: T; target: RouteTarget } | { error: unknown } | null;
  if (final && 'value' in final) return final;
  if (final) throw final.error;
  const wait = blockedUntil === null ? null : Math.max(0, blockedUntil - Date.now());
  const names = [...new Set(targets.map((t) => t.provider.name))];
  const who = names.length === 1 ? `provider ${names[0]} is unavailable: its circuit breaker is` : `providers ${names.join(', ')} are unavailable: their circuit breakers are`;
  throw new GatewayError('overloaded', `${who} open after repeated failures${wait === null ? '' : `; retry after ${Math.max(1, Math.ceil(wait / 1000))} s`}`, {
    status: 503,
    retryAfterMs: wait,
  });
}
