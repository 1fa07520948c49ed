// The events plane: subscribe, list, wait on and publish to the event log.
import { eventsMethods } from '../../../rpc/contract/events.js';
import { BrainsError } from '../../../rpc/errors.js';
import type { UserEventType } from '../../../rpc/contract/catalogue.js';
import { checkCursor } from '../../events/subscriptions.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';

export function eventsHandlers(deps: PlaneDeps): HandlersFor<typeof eventsMethods> {
  const log = deps.store.events;
  return {
    'events.subscribe': ({ types, since }, ctx) => {
      const sub = deps.subscriptions.create(ctx.subscriber, types, since);
      ctx.afterResponse(() => deps.subscriptions.activate(sub));
      return { subscription_id: sub.id, head_seq: sub.replayTo };
    },
    'events.unsubscribe': ({ subscription_id }, ctx) => ({
      unsubscribed: deps.subscriptions.remove(subscription_id, ctx.subscriber),
    }),
    'events.list': ({ after, types, limit }) => {
      const head = log.head();
      checkCursor(after, head, log.prunedThrough(), 'after');
      return { events: log.after(after, types, limit), head_seq: head, oldest_seq: log.oldest() };
    },
    'events.wait': async ({ types, after, timeout_seconds }, ctx) => {
      const head = log.head();
      const cursor = after ?? head;
      checkCursor(cursor, head, log.prunedThrough(), 'after');
      const ready = log.after(cursor, types, 1)[0];
      if (ready) return { event: ready, timed_out: false, head_seq: head };
      try {
        const event = await deps.bus.waitFor(types, (e) => e.seq > cursor, timeout_seconds * 1000, ctx.signal);
        return { event, timed_out: event === null, head_seq: log.head() };
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
