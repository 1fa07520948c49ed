// The messages plane: direct and broadcast messages between members and the operator, delivered at least once until acknowledged.
import { OPERATOR } from '../../../rpc/contract/common.js';
import { MAX_MESSAGE_BYTES, MAX_RECEIVE_BYTES, MAX_RECEIVE_LIMIT, messagesMethods } from '../../../rpc/contract/messages.js';
import type { EventRecord } from '../../../rpc/contract/index.js';
import { BrainsError } from '../../../rpc/errors.js';
import { canonicalJson } from '../../audit/trail.js';
import type { Emit } from '../../events/mutate.js';
import { waitUntil } from '../../events/wait.js';
import { encodeBoundedJson } from '../../store/json-limits.js';
import type { DeliveryRules, Ended, Mailbox, MessageRow, ReceivePage } from '../../store/messages.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import type { Principal } from '../../principals/principal.js';
import { recipientsOf, requireMember, requireOpenProject, requireProject } from '../shared/guards.js';
import { judgeAck, type AckRefusal } from './ack.js';
import { DeadLetterClock } from './dead-letters.js';
import { GroupCommit } from './group-commit.js';
import { ParkedReceives } from './handoff.js';
import { UnreadCounts } from './unread.js';
import { postMessage } from './post.js';
import { deliveryView, inboxView, isMessageId, messageView, parseDeliveryToken, receivedView } from './views.js';

type SendParams = Parameters<HandlersFor<typeof messagesMethods>['message.send']>[0];

/** Events after which a parked receive is worth checking again. */
const WAKE_TYPES = ['message.sent', 'project.left', 'project.deleted'];

export function messagesHandlers(deps: PlaneDeps): HandlersFor<typeof messagesMethods> {
  const { store } = deps;
  const repo = store.messages;

  const rules = (): DeliveryRules => ({
    now: Date.now(),
    ackTimeoutMs: deps.settings.get('message_ack_timeout_seconds') * 1000,
    maxAttempts: deps.settings.get('message_max_attempts'),
  });

  const reportEnded = (emit: Emit, ended: readonly Ended[]) => {
    for (const e of ended) {
      emit(`message.${e.state}`, e.project_id, { message_id: e.message_id, from_agent: e.from_agent, recipient: e.recipient, attempts: e.attempt });
    }
  };
  const deadLetters = new DeadLetterClock(deps, reportEnded);
  deps.addService(deadLetters);
  // Sends and acks gather over a turn of the event loop; takes right after whatever woke them (see GroupCommit).
  const groupCommit = new GroupCommit(deps.mutate, 'turn');
  const takes = new GroupCommit(deps.mutate, 'microtask');
  const parked = new ParkedReceives<Array<ReturnType<typeof receivedView>>>();

  /** requireMember on the hot path: one lean read (a member row implies its project); the shared guard words any refusal. */
  const requireJoined = (projectId: string, name: string) => {
    const joined = name === OPERATOR ? store.projects.exists(projectId) : repo.isMember(projectId, name);
    if (!joined) requireMember(store, projectId, name);
  };

  const unread = new UnreadCounts(deps, () => rules());
  deps.hooks.welcome.push(({ memberships }) => ({ unread_by_project: unread.byProject(memberships) }));

  // A member who leaves will never take what waits for them: those deliveries expire (kept, so history stays true).
  deps.hooks.memberLeft.push((_emit, member) => {
    repo.expireOpenDeliveriesOf(member.project_id, member.agent_name, Date.now());
  });

  /** Who a send reaches: the addressee, or every member but the sender plus the operator. */
  const recipientsFor = (p: SendParams): string[] => {
    if (!p.broadcast) {
      if (p.to_agent === p.from_agent) throw new BrainsError('INVALID', `to_agent is the sender (${p.from_agent}); address another member, the ${OPERATOR}, or broadcast`);
      requireJoined(p.project_id, p.to_agent!);
      return [p.to_agent!];
    }
    const everyone = recipientsOf(store, p.project_id).filter((name) => name !== p.from_agent);
    if (everyone.length === 0) throw new BrainsError('INVALID', `nobody else is in ${p.project_id} to broadcast to; wait for members to join`);
    // Sorted as they are stored, so a deduplicated resend lists them in the same order.
    return everyone.sort();
  };

  /** A retried send: the first message's answer, provided the retry asks for the same message. */
  const replay = (earlier: MessageRow, p: SendParams, payload: string, metadata: string | null) => {
    const same =
      earlier.to_agent === (p.broadcast ? null : p.to_agent) &&
      earlier.reply_to === (p.reply_to ?? null) &&
      earlier.reply_expected === (p.reply_expected ? 1 : 0) &&
      sameJson(earlier.payload, payload) &&
      sameJson(earlier.metadata, metadata);
    if (!same) {
      throw new BrainsError(
        'CONFLICT',
        `idempotency_key ${JSON.stringify(p.idempotency_key)} was already used by ${p.from_agent} for ${earlier.message_id}, with different content; use a new key for a new message`,
        { message_id: earlier.message_id },
      );
    }
    return { message_id: earlier.message_id, recipients: repo.recipients(earlier.seq), deduplicated: true };
  };

  /** Deliver what is due now, inside the caller's mutation; null when nothing is. */
  const takeDue = (emit: Emit, projectId: string, agentName: string, limit: number, page: ReceivePage) => {
    requireJoined(projectId, agentName);
    const r = rules();
    const outcome = repo.receive(projectId, agentName, limit, r, page);
    reportEnded(emit, outcome.ended);
    if (outcome.delivered.length === 0) return null;
    emit('message.delivered', projectId, {
      agent_name: agentName,
      deliveries: outcome.delivered.map((d) => ({ message_id: d.message.message_id, attempt: d.attempt })),
    });
    if (page.ack) {
      emit('message.acked', projectId, { agent_name: agentName, message_ids: outcome.delivered.map((d) => d.message.message_id) });
      return outcome.delivered.map(receivedView);
    }
    const lastAttempt = outcome.delivered.find((d) => d.attempt >= r.maxAttempts);
    if (lastAttempt) deadLetters.arm(lastAttempt.ack_deadline);
    return outcome.delivered.map(receivedView);
  };

  return {
    'message.send': (p) => {
      if ((p.to_agent !== undefined) === p.broadcast) {
        throw new BrainsError('INVALID', 'pass exactly one of to_agent (a direct message) or broadcast: true (everyone in the project)');
      }
      const payload = encodeBoundedJson(p.payload, 'payload', MAX_MESSAGE_BYTES);
      const metadata = p.metadata === undefined ? null : encodeBoundedJson(p.metadata, 'metadata', MAX_MESSAGE_BYTES);
      const size = Buffer.byteLength(payload) + (metadata === null ? 0 : Buffer.byteLength(metadata));
      if (size > MAX_MESSAGE_BYTES) {
        throw new BrainsError('LIMIT_EXCEEDED', `payload and metadata are ${size} bytes together, over the ${MAX_MESSAGE_BYTES}-byte limit; send less, or store it as a resource and send its id`, {
          limit: MAX_MESSAGE_BYTES,
          size,
        });
      }
      return groupCommit.run((emit) => {
        const archived = repo.projectArchived(p.project_id);
        if (archived === null) requireProject(store, p.project_id);
        requireJoined(p.project_id, p.from_agent);
        if (p.idempotency_key !== undefined) {
          const earlier = repo.byIdempotencyKey(p.project_id, p.from_agent, p.idempotency_key);
          if (earlier) return replay(earlier, p, payload, metadata);
        }
        if (archived) requireOpenProject(store, p.project_id);
        const recipients = recipientsFor(p);
        if (p.reply_to !== undefined) requireMessageIn(p.project_id, p.reply_to, 'reply_to');
        const message_id = postMessage(deps, emit, {
          project_id: p.project_id,
          from_agent: p.from_agent,
          to_agent: p.broadcast ? null : p.to_agent!,
          recipients,
          payload,
          metadata,
          reply_expected: p.reply_expected,
          reply_to: p.reply_to ?? null,
          idempotency_key: p.idempotency_key ?? null,
        });
        parked.handOff(deps.mutate, p.project_id, recipients, (takeEmit, entry) => takeDue(takeEmit, p.project_id, entry.agent_name, entry.limit, entry.page));
        return { message_id, recipients, deduplicated: false };
      });
    },

    'message.receive': async ({ project_id, agent_name, limit: asked, offset, ack, wait, timeout_seconds }, ctx) => {
      requireJoined(project_id, agent_name);
      const started = Date.now();
      const limit = Math.min(asked ?? MAX_RECEIVE_LIMIT, MAX_RECEIVE_LIMIT);
      const page = { offset, maxBytes: MAX_RECEIVE_BYTES, ack: ack === 'auto' };
      const answer = (messages: ReturnType<typeof receivedView>[], waited_ms: number, timed_out: boolean) => ({
        messages,
        count: messages.length,
        offset,
        limit,
        acknowledged: page.ack && messages.length > 0,
        waited_ms,
        timed_out,
      });
      // Taking goes through the group commit: receivers woken by one broadcast share one transaction.
      // A caller whose connection closed meanwhile takes nothing, so nothing is delivered into the void.
      const take = () => ctx.within(() => takes.run((emit) => (ctx.signal.aborted ? null : takeDue(emit, project_id, agent_name, limit, page))));
      if (!wait) return answer((await take()) ?? [], 0, false);
      const deadline = started + timeout_seconds * 1000;
      // A woken receive's answer leaves at once, ahead of the sender's.
      const woken = (messages: ReturnType<typeof receivedView>[]) => {
        ctx.answerPromptly();
        return answer(messages, Date.now() - started, false);
      };
      const entry = parked.park({ project_id, agent_name, limit, page, signal: ctx.signal, within: (fn) => ctx.within(fn) });
      try {
        for (;;) {
          if (ctx.signal.aborted) throw new BrainsError('UNAVAILABLE', 'the wait ended because its connection closed');
          // Park until something may be due (a read, no write); then take it, unless a send already took it for this
          // receive in its own transaction. Another receive for the same agent may have taken it first, or it may have
          // ended (dead, expired) instead: then park again.
          const outcome = await waitUntil(
            deps.bus,
            {
              types: WAKE_TYPES,
              relevant: (event) => event.subject === project_id && concerns(event, agent_name),
              timeoutMs: Math.max(0, deadline - Date.now()),
              signal: ctx.signal,
              nextDueInMs: () => msUntil(repo.nextDeadline(project_id, agent_name)),
            },
            () => {
              if (entry.handed) return true;
              requireJoined(project_id, agent_name);
              if (!repo.hasDue(project_id, agent_name, Date.now())) return null;
              entry.taking = true;
              return true;
            },
          );
          if (entry.handed) return woken(entry.handed);
          if (outcome.timed_out) return answer([], Date.now() - started, true);
          const messages = await take();
          entry.taking = false;
          if (messages) return woken(messages);
        }
      } finally {
        parked.unpark(entry);
      }
    },

    'message.ack': ({ project_id, agent_name, delivery_tokens, message_id }) => {
      if (delivery_tokens === undefined && message_id === undefined) {
        throw new BrainsError('INVALID', 'pass delivery_tokens (from message.receive) or a message_id to acknowledge');
      }
      return groupCommit.run((emit) => {
        requireJoined(project_id, agent_name);
        const now = Date.now();
        const nowIso = new Date(now).toISOString();
        const acknowledged: string[] = [];
        const refused: Array<{ token: string; reason: AckRefusal }> = [];
        const ackedIds: string[] = [];
        const taken = new Set<number>();
        const judge = (token: string, messageId: string | null, attempt: number | null) => {
          const verdict = messageId === null ? 'malformed' : judgeAck(repo, { project_id, agent_name, message_id: messageId, attempt, now: nowIso }, taken);
          if (typeof verdict === 'string') refused.push({ token, reason: verdict });
          else {
            acknowledged.push(token);
            ackedIds.push(messageId!);
          }
        };
        for (const token of delivery_tokens ?? []) {
          const parsed = parseDeliveryToken(token);
          judge(token, parsed?.message_id ?? null, parsed?.attempt ?? null);
        }
        if (message_id !== undefined) judge(message_id, isMessageId(message_id) ? message_id : null, null);
        repo.markAcked(project_id, [...taken], agent_name, now);
        if (ackedIds.length > 0) emit('message.acked', project_id, { agent_name, message_ids: ackedIds });
        return { acknowledged, refused };
      });
    },

    'message.list': ({ project_id, thread, member: asked, include_dead_and_expired, before, limit }, ctx) => {
      requireProject(store, project_id);
      const member = readableBy(ctx.principal, project_id, asked);
      if (thread !== undefined) requireMessageIn(project_id, thread, 'thread');
      const beforeSeq = before === undefined ? Number.MAX_SAFE_INTEGER : requireMessageIn(project_id, before, 'before').seq;
      const r = rules();
      const rows = repo.history({ project_id, beforeSeq, limit: limit + 1, thread, member, liveOnly: !include_dead_and_expired, now: r.now, maxAttempts: r.maxAttempts });
      const page = rows.slice(0, limit);
      const messages = page.map(({ message, deliveries }) => ({
        ...messageView(message),
        deliveries: deliveries
          .map((d) => deliveryView(d, r.now, r.maxAttempts))
          .filter((d) => include_dead_and_expired || (d.state !== 'dead' && d.state !== 'expired')),
      }));
      return { messages, count: messages.length, next_before: rows.length > limit ? page[page.length - 1]!.message.message_id : null };
    },

    'message.inbox': ({ project_id, unread_only, limit }, ctx) => {
      const mailboxes = mailboxesOf(ctx.principal, project_id);
      const r = rules();
      const rows = repo.inbox({ mailboxes, limit, unreadOnly: unread_only, now: r.now, maxAttempts: r.maxAttempts });
      const messages = rows.slice(0, limit).map((row) => inboxView(row, r.now, r.maxAttempts));
      const everyProject = ctx.principal.kind === 'operator' && project_id === undefined;
      const unreadRows = everyProject ? repo.unread({ recipient: OPERATOR }, r) : mailboxes.flatMap((m) => repo.unread({ project_id: m.project_id, recipient: m.recipient }, r));
      const total_unread = unreadRows.reduce((sum, row) => sum + row.undelivered + row.unacked, 0);
      return { messages, count: messages.length, total_unread, has_more: rows.length > limit };
    },

    'message.unread_counts': (p, ctx) => {
      if (ctx.principal.kind === 'operator') return unread.answer(p);
      // An agent counts only its own mail, under the names it holds.
      const mine = deps.access.memberships(ctx.principal).filter((m) => (p.project_id === undefined || m.project_id === p.project_id) && (p.agent_name === undefined || m.agent_name === p.agent_name));
      return unread.answerFor(mine);
    },
  };

  /**
   * Whose history a caller may read: the operator anyone's; an agent only messages from or to itself (and broadcasts),
   * so history shows an agent no more than its own mail and previews do.
   */
  function readableBy(principal: Principal, projectId: string, asked: string | undefined): string | undefined {
    if (principal.kind === 'operator') return asked;
    const me = deps.access.nameIn(principal, projectId);
    if (me === undefined) throw new BrainsError('PERMISSION_DENIED', `you hold no name in ${projectId}; join it to read its messages`, { project_id: projectId });
    if (asked !== undefined && asked !== me) throw new BrainsError('PERMISSION_DENIED', `you are ${me} in ${projectId} and may read only your own messages, not ${asked}'s`, { member: asked });
    return me;
  }

  /** Whose mail an inbox shows: the operator's in every project (or one); an agent's under each name it holds. */
  function mailboxesOf(principal: Principal, projectId: string | undefined): Mailbox[] {
    if (projectId !== undefined) requireProject(store, projectId);
    if (principal.kind === 'operator') {
      return (projectId === undefined ? store.projects.everyId() : [projectId]).map((project_id) => ({ project_id, recipient: OPERATOR }));
    }
    const held = deps.access.memberships(principal).filter((m) => projectId === undefined || m.project_id === projectId);
    if (projectId !== undefined && held.length === 0) {
      throw new BrainsError('PERMISSION_DENIED', `you hold no name in ${projectId}, so you have no inbox there; join it first (project.join)`, { project_id: projectId });
    }
    return held.map((m) => ({ project_id: m.project_id, recipient: m.agent_name }));
  }

  function requireMessageIn(projectId: string, messageId: string, field: string): MessageRow {
    const message = repo.byId(messageId);
    if (!message || message.project_id !== projectId) {
      throw new BrainsError('NOT_FOUND', `${field}: no message ${messageId} in ${projectId}; take message ids from message.send, message.receive or message.list`, {
        message_id: messageId,
      });
    }
    return message;
  }

}

/** Whether an event can have made something deliverable to (or ended the wait of) this recipient. */
function concerns(event: EventRecord, agentName: string): boolean {
  const data = (event.data ?? {}) as { to_agent?: unknown; from_agent?: unknown; broadcast?: unknown; agent_name?: unknown };
  switch (event.type) {
    case 'message.sent':
      return data.broadcast === true ? data.from_agent !== agentName : data.to_agent === agentName;
    case 'project.left':
      return data.agent_name === agentName;
    default:
      return true;
  }
}

function msUntil(isoTime: string | null): number | null {
  return isoTime === null ? null : Math.max(0, Date.parse(isoTime) - Date.now());
}

function sameJson(stored: string | null, given: string | null): boolean {
  if (stored === null || given === null) return stored === given;
  return stored === given || canonicalJson(JSON.parse(stored)) === canonicalJson(JSON.parse(given));
}
