// Event subscriptions: replay what a client missed from the log, then stream live events, with no gap and no repeat.
import { randomUUID } from 'node:crypto';
import type { EventRecord } from '../../rpc/contract/index.js';
import { BrainsError } from '../../rpc/errors.js';
import type { EventLog } from '../store/events.js';
import type { EventBus } from './bus.js';
import type { Subscriber } from './subscriber.js';

/** What the subscriber may see of an event (null: nothing); the principal's view, decided when it subscribes. */
export type EventView = (event: EventRecord) => EventRecord | null;

const REPLAY_PAGE = 500;

interface Subscription {
  id: string;
  subscriber: Subscriber;
  types: readonly string[] | undefined;
  view: EventView;
  /** Events published before the subscription went live, held until the replay is written. */
  held: EventRecord[] | null;
  replayFrom: number;
  replayTo: number;
  stop: () => void;
  unhookClose: () => void;
}

export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();

  constructor(
    private readonly log: EventLog,
    private readonly bus: EventBus,
  ) {}

  get count(): number {
    return this.byId.size;
  }

  /** Check the cursor and start holding live events; call activate() once the reply has been written. */
  create(subscriber: Subscriber, types: readonly string[] | undefined, since: number | undefined, view: EventView = (e) => e): Subscription {
    const head = this.log.head();
    const from = since ?? head;
    checkCursor(from, head, this.log.prunedThrough(), 'since');
    const sub: Subscription = {
      id: randomUUID(),
      subscriber,
      types,
      view,
      held: [],
      replayFrom: from,
      replayTo: head,
      stop: () => {},
      unhookClose: () => {},
    };
    sub.stop = this.bus.listen(types, (event) => {
      if (sub.held) sub.held.push(event);
      else deliver(sub, event);
    });
    sub.unhookClose = subscriber.onClose(() => this.remove(sub.id, subscriber));
    this.byId.set(sub.id, sub);
    return sub;
  }

  /** Write the replay (replayFrom, replayTo] from the log, then the held live events, then go live. */
  activate(sub: Subscription): void {
    if (!this.byId.has(sub.id)) return;
    let cursor = sub.replayFrom;
    replay: while (cursor < sub.replayTo && sub.subscriber.isOpen) {
      const page = this.log.after(cursor, sub.types, REPLAY_PAGE);
      for (const event of page) {
        if (event.seq > sub.replayTo) break replay;
        deliver(sub, event);
        cursor = event.seq;
      }
      if (page.length < REPLAY_PAGE) break;
    }
    const held = sub.held ?? [];
    sub.held = null;
    for (const event of held) if (event.seq > sub.replayTo) deliver(sub, event);
  }

  remove(id: string, subscriber: Subscriber): boolean {
    const sub = this.byId.get(id);
    if (!sub || sub.subscriber !== subscriber) return false;
    sub.stop();
    sub.unhookClose();
    this.byId.delete(id);
    return true;
  }
}

function deliver(sub: Subscription, event: EventRecord): void {
  const seen = sub.view(event);
  if (seen) sub.subscriber.notify('events.event', { subscription_id: sub.id, event: seen });
}

/** A cursor must lie within the kept log: not behind what retention removed, not past the head. */
export function checkCursor(cursor: number, head: number, prunedThrough: number, name: string): void {
  if (cursor < prunedThrough) {
    throw new BrainsError(
      'CURSOR_EXPIRED',
      `events up to seq ${prunedThrough} were pruned by retention, so ${name}=${cursor} cannot be resumed; reload a snapshot and subscribe from its seq`,
      { pruned_through: prunedThrough, head_seq: head },
    );
  }
  if (cursor > head) {
    throw new BrainsError('INVALID', `${name}=${cursor} is ahead of the newest event (seq ${head}); this daemon's log is not the one you read before — reload a snapshot`, {
      head_seq: head,
    });
  }
}
