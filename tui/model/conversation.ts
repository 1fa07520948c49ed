// One agent's conversation: its message history in its project, read again when an event says it changed, and what the
// human typed to it with a state that follows the message (sent, delivered, read), or failed with the reason.
import { OPERATOR } from '../../rpc/operator.js';
import type { Cockpit } from './cockpit.js';
import { payloadText, type HistoryMessage } from './slices.js';

export interface Target {
  project_id: string;
  agent: string;
}

export type LineState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ConversationLine {
  id: string;
  time: string;
  from: string;
  to: string;
  text: string;
  /** Only for what the operator sent: how far the message got. */
  state: LineState | null;
  error?: string;
}

interface Outgoing {
  id: string;
  text: string;
  time: string;
  message_id: string | null;
  failed: string | null;
}

const HISTORY_LIMIT = 200;

export class Conversation {
  private history: HistoryMessage[] = [];
  private outbox: Outgoing[] = [];
  private loadedFor: string | null = null;
  private loading = false;
  private again = false;
  private nextLocalId = 1;
  private readonly stopEvents: () => void;
  lines: ConversationLine[] = [];
  /** Counts the rebuilds of `lines`: what the view compares. */
  version = 0;

  constructor(
    private readonly cockpit: Cockpit,
    readonly target: Target,
  ) {
    this.stopEvents = cockpit.onEvent((event) => {
      if (event.type.startsWith('message.') && event.subject === target.project_id) this.reload();
    });
    this.reload();
  }

  close(): void {
    this.stopEvents();
  }

  /** Send text from the operator, expecting a reply; the line shows at once and follows the message's state. Answers
   * with one line for the status bar: sent, or why not. */
  async send(text: string): Promise<string> {
    const entry: Outgoing = { id: `local-${this.nextLocalId++}`, text, time: new Date().toISOString(), message_id: null, failed: null };
    this.outbox.push(entry);
    this.rebuild();
    this.cockpit.redraws.flush();
    const client = this.cockpit.rpc;
    if (!client) {
      entry.failed = 'not connected to the daemon; press Enter on it again once reconnected';
      this.rebuild();
      return `not sent to ${this.target.agent}: ${entry.failed}`;
    }
    try {
      const sent = await client.call('message.send', {
        project_id: this.target.project_id,
        from_agent: OPERATOR,
        to_agent: this.target.agent,
        payload: text,
        reply_expected: true,
      });
      entry.message_id = sent.message_id;
    } catch (error) {
      entry.failed = (error as Error).message;
    }
    this.rebuild();
    this.reload();
    return entry.failed ? `not sent to ${this.target.agent}: ${entry.failed}` : `sent to ${this.target.agent}`;
  }

  /** Failed lines, newest last: the composer offers them again. */
  failedTexts(): string[] {
    return this.outbox.filter((o) => o.failed).map((o) => o.text);
  }

  reload(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    const client = this.cockpit.rpc;
    if (!client) return;
    this.loading = true;
    client
      .call('message.list', { project_id: this.target.project_id, member: this.target.agent, limit: HISTORY_LIMIT })
      .then(
        (result) => {
          this.history = [...result.messages].reverse();
          this.loadedFor = this.target.project_id;
          this.rebuild();
        },
        (error: unknown) => this.cockpit.notify(`could not read the conversation: ${(error as Error).message}`),
      )
      .finally(() => {
        this.loading = false;
        if (this.again) {
          this.again = false;
          this.reload();
        }
      });
  }

  get loaded(): boolean {
    return this.loadedFor !== null;
  }

  private rebuild(): void {
    const stored = new Set(this.history.map((m) => m.message_id));
    // Once a sent message is in the history, the history's line is the one that shows it.
    this.outbox = this.outbox.filter((o) => o.message_id === null || !stored.has(o.message_id));
    this.lines = [
      ...this.history.map((m) => lineOf(m, this.target.agent)),
      ...this.outbox.map(
        (o): ConversationLine => ({
          id: o.id,
          time: o.time,
          from: OPERATOR,
          to: this.target.agent,
          text: o.text,
          state: o.failed ? 'failed' : o.message_id ? 'sent' : 'sending',
          ...(o.failed ? { error: o.failed } : {}),
        }),
      ),
    ];
    this.version += 1;
    this.cockpit.redraws.request();
  }
}

function lineOf(m: HistoryMessage, agent: string): ConversationLine {
  const to = m.broadcast ? 'everyone' : (m.to_agent ?? '');
  let state: LineState | null = null;
  if (m.from_agent === OPERATOR) {
    const delivery = m.deliveries.find((d) => d.recipient === agent) ?? m.deliveries[0];
    state = !delivery ? 'sent' : delivery.state === 'acked' ? 'read' : delivery.state === 'delivered' ? 'delivered' : delivery.state === 'pending' ? 'sent' : 'failed';
  }
  return { id: m.message_id, time: m.created_at, from: m.from_agent, to, text: payloadText(m.payload), state };
}
