// Storing a message and announcing it, in the caller's transaction: the one place that knows a message's row, its
// deliveries and its message.sent event, for message.send and for planes that message agents themselves (approvals).
import type { Emit } from '../../events/mutate.js';
import type { PlaneDeps } from '../shared/deps.js';
import { MESSAGE_PREVIEW_CHARS } from '../../../rpc/contract/catalogue.js';
import { newMessageId } from './views.js';

/** A message.sent event names at most this many recipients (recipient_count says how many there are). */
export const MAX_EVENT_RECIPIENTS = 100;

export interface Post {
  project_id: string;
  from_agent: string;
  /** The addressee of a direct message; null for a broadcast. */
  to_agent: string | null;
  recipients: readonly string[];
  /** Already encoded JSON (checked for size and depth by the caller). */
  payload: string;
  metadata: string | null;
  reply_expected?: boolean;
  reply_to?: string | null;
  idempotency_key?: string | null;
}

/** Store the message and one pending delivery per recipient, and emit message.sent (which wakes parked receives). */
export function postMessage(deps: PlaneDeps, emit: Emit, post: Post): string {
  const now = Date.now();
  const message = {
    message_id: newMessageId(now),
    project_id: post.project_id,
    from_agent: post.from_agent,
    to_agent: post.to_agent,
    broadcast: post.to_agent === null ? 1 : 0,
    reply_expected: post.reply_expected ? 1 : 0,
    reply_to: post.reply_to ?? null,
    payload: post.payload,
    metadata: post.metadata,
    idempotency_key: post.idempotency_key ?? null,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + deps.settings.get('message_ttl_seconds') * 1000).toISOString(),
  } as const;
  const seq = deps.store.messages.insertMessage(message);
  deps.store.messages.insertDeliveries(seq, post.project_id, message.expires_at, post.recipients);
  emit('message.sent', post.project_id, {
    message_id: message.message_id,
    from_agent: post.from_agent,
    to_agent: post.to_agent,
    broadcast: post.to_agent === null,
    reply_expected: message.reply_expected === 1,
    reply_to: message.reply_to,
    recipient_count: post.recipients.length,
    recipients: post.recipients.slice(0, MAX_EVENT_RECIPIENTS),
    preview: previewOf(post.payload),
  });
  return message.message_id;
}

/** The first characters of a payload's text form: a string payload as itself, anything else as its JSON. */
export function previewOf(encodedPayload: string): string {
  const text = encodedPayload.startsWith('"') ? (JSON.parse(encodedPayload) as string) : encodedPayload;
  if (text.length <= MESSAGE_PREVIEW_CHARS) return text;
  const cut = text.charCodeAt(MESSAGE_PREVIEW_CHARS - 1);
  // Never end on the first half of a surrogate pair.
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? MESSAGE_PREVIEW_CHARS - 1 : MESSAGE_PREVIEW_CHARS);
}
