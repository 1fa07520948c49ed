// What of the event log a principal may see: everything for the operator; only its project's events for a token; and a
// message's preview only for principals allowed to read that message (its sender, its recipients).
import type { EventRecord } from '../../rpc/contract/index.js';
import { eventDef } from '../../rpc/contract/catalogue.js';
import type { Access } from './access.js';
import type { Principal } from './principal.js';

export type EventView = (event: EventRecord) => EventRecord | null;

const asIs: EventView = (event) => event;

interface SentData {
  from_agent?: unknown;
  to_agent?: unknown;
  broadcast?: unknown;
  recipients?: unknown;
  preview?: unknown;
}

export function eventViewFor(access: Access, principal: Principal): EventView {
  if (principal.kind === 'operator') return asIs;
  const confined = access.confinedTo(principal);
  return (event) => {
    if (confined !== null) {
      const def = eventDef(event.type);
      if (!def || def.project({ subject: event.subject, data: event.data as never }) !== confined) return null;
    }
    if (event.type !== 'message.sent' || event.subject === null) return event;
    const data = (event.data ?? {}) as SentData;
    if (data.preview === null || data.preview === undefined) return event;
    const me = access.nameIn(principal, event.subject);
    const mayRead = me !== undefined && (data.from_agent === me || data.broadcast === true || data.to_agent === me || (Array.isArray(data.recipients) && data.recipients.includes(me)));
    return mayRead ? event : { ...event, data: { ...data, preview: null } };
  };
}
