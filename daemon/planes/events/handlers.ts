// The events plane: subscribe, list, wait on and publish to the event log.
import { eventsMethods } from '../../../rpc/contract/events.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { UserEventType } from '../../../rpc/contract/catalogue.js';
import type { EventRecord } from '../../../rpc/contract/index.js';
import type { EventLog } from '../../store/events.js';
import { eventViewFor, type EventView } from '../../principals/visibility.js';
import { checkCursor } from '../../events/subscriptions.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function eventsHandlers(deps: PlaneDeps): HandlersFor<typeof eventsMethods> {
  const log = deps.store.events;
  return {
    'events.subscribe': ({ types, since }, ctx) => {
      const sub = deps.subscriptions.create(ctx.subscriber, types, since, eventViewFor(deps.access, ctx.principal));
      ctx.afterResponse(() => deps.subscriptions.activate(sub));
      return { subscription_id: sub.id, head_seq: sub.replayTo };
    },
    'events.unsubscribe': ({ subscription_id }, ctx) => ({
      unsubscribed: deps.subscriptions.remove(subscription_id, ctx.subscriber),
    }),
    'events.list': ({ after, types, limit }, ctx) => {
      const head = log.head();
      checkCursor(after, head, log.prunedThrough(), 'after');
      const view = eventViewFor(deps.access, ctx.principal);
      // A page holds what this caller may see: events it may not are skipped (a page may come back short, never wrong).
      return { events: log.after(after, types, limit).flatMap((e) => view(e) ?? []), head_seq: head, oldest_seq: log.oldest() };
    },
    'events.wait': async ({ types, after, timeout_seconds }, ctx) => {
      const head = log.head();
      const cursor = after ?? head;
      checkCursor(cursor, head, log.prunedThrough(), 'after');
      const view = eventViewFor(deps.access, ctx.principal);
      const ready = firstVisible(log, cursor, types, view);
      if (ready) return { event: ready, timed_out: false, waited_ms: 0, head_seq: head };
      const started = Date.now();
      try {
        const event = await deps.bus.waitFor(types, (e) => e.seq > cursor && view(e) !== null, timeout_seconds * 1000, ctx.signal);
        return { event: event && view(event), timed_out: event === null, waited_ms: Date.now() - started, head_seq: log.head() };
      } catch (reason) {
        if (reason instanceof BrainsError) throw reason;
        throw new BrainsError('UNAVAILABLE', 'the wait was cancelled because its connection closed');
      }
    },
    'events.publish': ({ events }) => ({
      seqs: deps.mutate((emit) => events.map((e) => emit(e.type as UserEventType, e.subject ?? null, e.data ?? null).seq)),
    }),
  };
}

/** The first kept event after the cursor this caller may see (scanning a page at a time). */
function firstVisible(log: EventLog, cursor: number, types: readonly string[] | undefined, view: EventView): EventRecord | null {
  for (let from = cursor; ; ) {
    const page = log.after(from, types, 200);
    for (const event of page) {
      const seen = view(event);
      if (seen) return seen;
    }
    if (page.length < 200) return null;
    from = page[page.length - 1]!.seq;
  }
}
