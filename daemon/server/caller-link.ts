// What the dispatcher needs of whatever carries a caller's frames (a socket connection, an in-process MCP HTTP session):
// who it speaks for, the signal that ends its waits, where notifications go, and back-pressure hooks.
import type { Subscriber } from '../events/subscriber.js';
import type { Principal } from '../principals/principal.js';

export interface CallerLink extends Subscriber {
  readonly principal: Principal;
  /** Aborts when the caller goes away or the daemon cancels its calls. */
  readonly signal: AbortSignal;
  /** Speak for this principal from the next call on; refused when the link is already bound (or cannot rebind). */
  bind(principal: Principal): void;
  /** Send what is buffered now rather than at the end of the tick, where the link batches its writes. */
  flush?(): void;
  callStarted(): void;
  callFinished(): void;
  /** Where the daemon's own warnings and errors about this link's calls also go (an MCP session's log), if anywhere. */
  log?(level: 'warning' | 'error', message: string, fields: Record<string, unknown>): void;
}
