// Mail through the model traffic: on a request from an agent's own key, one line telling it of new mail, decisions on its requests and locks about to expire, each item once.
import type { GatewayConfig } from '../../rpc/gateway-config.js';
import { nameIn } from '../../rpc/contract/face-names.js';
import type { Logger } from '../log.js';
import type { MailItem } from '../store/gateway-mail.js';
import type { Store } from '../store/index.js';
import type { GatewayCaller } from './keys.js';

/** A lock with less than this left is worth a note (as the hooks' reminders have it). */
export const LEASE_WARNING_MS = 60_000;
/** Decisions older than this when notes are turned on are old news. */
const DECISION_WINDOW_MS = 24 * 3_600_000;
/** Notes are forgotten after this long (a message unread for longer is noted again). */
export const NOTED_KEPT_MS = 30 * 86_400_000;
/** The note is one line for a model's context: it stays short whatever piles up. */
const MAX_NOTE_CHARS = 600;

export interface PendingNote {
  text: string;
  /** The request ended: delivered (a 2xx answer, no error) keeps its items noted; anything else gives them back. */
  settle(delivered: boolean): void;
}

/** On for this agent: its own switch in mail_notes.agents, else mail_notes.enabled; off by default. */
export function notesOn(config: GatewayConfig, agentName: string): boolean {
  const own = config.mail_notes?.agents;
  if (own && Object.prototype.hasOwnProperty.call(own, agentName)) return own[agentName]!;
  return config.mail_notes?.enabled === true;
}

export class MailNotes {
  constructor(
    private readonly store: Store,
    private readonly config: () => GatewayConfig,
    private readonly maxAttempts: () => number,
    private readonly log: Logger,
  ) {}

  /** Forget notes past keeping (at the gateway's start). */
  prune(now = Date.now()): void {
    const gone = this.store.gatewayMail.prune(new Date(now - NOTED_KEPT_MS).toISOString());
    if (gone > 0) this.log.info('gateway mail notes forgotten after 30 days', { count: gone });
  }

  /** The note for this request, its items marked noted now (so two requests at once do not both carry them); null for none. */
  take(caller: GatewayCaller, now = Date.now()): PendingNote | null {
    const { agent_name, project_id } = caller;
    if (agent_name === null || project_id === null || !notesOn(this.config(), agent_name)) return null;
    try {
      return this.noteFor(agent_name, project_id, now);
    } catch (error) {
      // A note is a courtesy: a store that cannot be read or written now leaves the request as it is.
      this.log.warn('no mail note: the store could not be read', { agent_name, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  private noteFor(agent_name: string, project_id: string, now: number): PendingNote | null {
    const items = this.store.gatewayMail.waiting({
      project_id,
      agent_name,
      now: new Date(now).toISOString(),
      soon: new Date(now + LEASE_WARNING_MS).toISOString(),
      decided_since: new Date(now - DECISION_WINDOW_MS).toISOString(),
      max_attempts: this.maxAttempts(),
    });
    if (items.length === 0) return null;
    const keys = items.map((i) => i.item);
    this.store.transaction(() => this.store.gatewayMail.noted(project_id, agent_name, keys, new Date(now).toISOString()));
    let settled = false;
    return {
      text: noteText(items, project_id, now),
      settle: (delivered) => {
        if (settled) return;
        settled = true;
        if (delivered) return;
        try {
          this.store.transaction(() => this.store.gatewayMail.forget(project_id, agent_name, keys));
        } catch (error) {
          this.log.warn('a mail note that did not reach the model stays marked noted', { agent_name, error: error instanceof Error ? error.message : String(error) });
        }
      },
    };
  }
}

/** One line: `[brains] You have 2 unread messages from backend in project api; call receive_messages. …` */
export function noteText(items: readonly MailItem[], projectId: string, now: number): string {
  const sentences: string[] = [];
  const messages = items.filter((i) => i.kind === 'message');
  if (messages.length > 0) {
    const senders = new Map<string, number>();
    for (const m of messages) senders.set(m.who ?? '?', (senders.get(m.who ?? '?') ?? 0) + 1);
    const from = senders.size === 1 ? [...senders.keys()][0]! : [...senders].map(([who, n]) => `${who} (${n})`).join(', ');
    const replies = messages.filter((m) => m.reply_expected === 1).length;
    const expecting = replies > 0 ? ` (${replies} expect${replies === 1 ? 's' : ''} a reply)` : '';
    sentences.push(`You have ${plural(messages.length, 'unread message')} from ${from} in project ${projectId}${expecting}; call ${nameIn('mcp', 'message.receive')}.`);
  }
  const decisions = items.filter((i) => i.kind === 'decision');
  if (decisions.length > 0) {
    const said = decisions.map((d) => `${d.ref} ${quote(d.title ?? '')} was ${d.verdict === 'approved' || d.verdict === 'denied' ? d.verdict : `decided: ${quote(d.verdict ?? '')}`}`);
    sentences.push(`${said.join('; ')}; call ${nameIn('mcp', 'approval.get')} for the comment.`);
  }
  for (const lease of items.filter((i) => i.kind === 'lease')) {
    const seconds = Math.max(1, Math.round((Date.parse(lease.expires_at ?? '') - now) / 1000));
    sentences.push(`Your lock on ${quote(lease.title ?? '')} expires in ${seconds}s; call ${nameIn('mcp', 'lock.renew')} to keep it.`);
  }
  return clip(`[brains] ${sentences.join(' ')}`, MAX_NOTE_CHARS);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Text written by agents goes into another model's context quoted, on one line and bounded. */
function quote(text: string): string {
  return JSON.stringify(clip(text.replace(/\s+/g, ' '), 60));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
