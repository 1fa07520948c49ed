// How stored messages and deliveries look on the wire, their ids, and the delivery token that names one attempt of one delivery.
import { randomUUID } from 'node:crypto';
import type { Delivered, DeliveryRow, InboxRow, MessageRow } from '../../store/messages.js';
import { effectiveState } from '../../store/messages.js';
import { previewOf } from './post.js';

/**
 * `msg-` and a UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits. Ids made later sort later, so the
 * message_id index grows at its right edge instead of touching a random page per send.
 */
export function newMessageId(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: keep its random bits, put the time first
  const time = now.toString(16).padStart(12, '0');
  return `msg-${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19)}`;
}

/** `msg-<uuid>.<attempt>`: a message_id never contains a dot, so the split is unambiguous. */
export function deliveryToken(messageId: string, attempt: number): string {
  return `${messageId}.${attempt}`;
}

const TOKEN = /^(msg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([1-9][0-9]{0,5})$/;
const MESSAGE_ID = /^msg-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function parseDeliveryToken(token: string): { message_id: string; attempt: number } | null {
  const match = TOKEN.exec(token);
  return match ? { message_id: match[1]!, attempt: Number(match[2]) } : null;
}

export function isMessageId(text: string): boolean {
  return MESSAGE_ID.test(text);
}

export function messageView(m: MessageRow) {
  return {
    message_id: m.message_id,
    project_id: m.project_id,
    from_agent: m.from_agent,
    to_agent: m.to_agent,
    broadcast: m.broadcast === 1,
    reply_expected: m.reply_expected === 1,
    reply_to: m.reply_to,
    payload: JSON.parse(m.payload) as unknown,
    metadata: m.metadata === null ? null : (JSON.parse(m.metadata) as Record<string, unknown>),
    created_at: m.created_at,
    expires_at: m.expires_at,
  };
}

export function receivedView(d: Delivered) {
  const m = d.message;
  return {
    ...messageView(m),
    delivery_token: deliveryToken(m.message_id, d.attempt),
    attempt: d.attempt,
    ack_deadline: d.ack_deadline,
  };
}

export function deliveryView(d: DeliveryRow, now: number, maxAttempts: number) {
  return {
    recipient: d.recipient,
    state: effectiveState(d, now, maxAttempts),
    attempt: d.attempt,
    last_delivered_at: d.last_delivered_at,
    ack_deadline: d.ack_deadline,
    acked_at: d.acked_at,
  };
}

/** One message of an inbox: the message, a one-line preview, and where its delivery to the reader stands now. */
export function inboxView(row: InboxRow, now: number, maxAttempts: number) {
  const state = effectiveState(row, now, maxAttempts);
  return {
    ...messageView(row),
    recipient: row.recipient,
    preview: previewOf(row.payload),
    state,
    unread: state === 'pending' || state === 'delivered',
    attempt: row.attempt,
    last_delivered_at: row.last_delivered_at,
    acked_at: row.acked_at,
  };
}
