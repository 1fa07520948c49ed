// The in-process bus: committed events fan out to listeners indexed by type, and waits park here instead of polling.
import type { EventRecord } from '../../rpc/contract/index.js';
import { splitPatterns } from '../../rpc/event-types.js';

export type Listener = (event: EventRecord) => void;

interface Registration {
  listener: Listener;
  exact: string[];
  prefixes: string[];
}

export class EventBus {
  private readonly byType = new Map<string, Set<Registration>>();
  private readonly byPrefix = new Set<Registration>();
  private readonly everything = new Set<Registration>();
  private size = 0;
  private waits = 0;

  /** Listen to events whose type matches the patterns (all when none); returns the way to stop. */
  listen(patterns: readonly string[] | undefined, listener: Listener): () => void {
    const split = splitPatterns(patterns);
    const reg: Registration = { listener, exact: split?.exact ?? [], prefixes: split?.prefixes ?? [] };
    if (!split) this.everything.add(reg);
    else {
      for (const type of reg.exact) {
        let set = this.byType.get(type);
        if (!set) this.byType.set(type, (set = new Set()));
        set.add(reg);
      }
      if (reg.prefixes.length > 0) this.byPrefix.add(reg);
    }
    this.size += 1;
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.size -= 1;
      this.everything.delete(reg);
      this.byPrefix.delete(reg);
      for (const type of reg.exact) {
        const set = this.byType.get(type);
        set?.delete(reg);
        if (set && set.size === 0) this.byType.delete(type);
      }
    };
  }

  get listenerCount(): number {
    return this.size;
  }

  /** Calls parked in waitFor right now (long-polls), as opposed to standing listeners. */
  get waitingCount(): number {
    return this.waits;
  }

  /** Called only after the transaction that appended these events has committed. */
  publish(events: readonly EventRecord[]): void {
    for (const event of events) {
      const delivered = new Set<Registration>();
      const deliver = (reg: Registration) => {
        if (delivered.has(reg)) return;
        delivered.add(reg);
        reg.listener(event);
      };
      for (const reg of [...this.everything]) deliver(reg);
      const exact = this.byType.get(event.type);
      if (exact) for (const reg of [...exact]) deliver(reg);
      for (const reg of [...this.byPrefix]) {
        if (reg.prefixes.some((prefix) => event.type.startsWith(prefix))) deliver(reg);
      }
    }
  }

  /**
   * Resolve with the first published event that matches, or null after timeoutMs.
   * Rejects with the signal's reason when it aborts.
   */
  waitFor(
    patterns: readonly string[] | undefined,
    accept: (event: EventRecord) => boolean,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<EventRecord | null> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      this.waits += 1;
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        this.waits -= 1;
        stop();
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        outcome();
      };
      const stop = this.listen(patterns, (event) => {
        if (accept(event)) finish(() => resolve(event));
      });
      const timer = setTimeout(() => finish(() => resolve(null)), timeoutMs);
      const onAbort = () => finish(() => reject(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
