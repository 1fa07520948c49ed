// A managed agent's conversation: its turns (agent.history, then its agent.* events streaming into them), what typing
// to it does (agent.send), and lines of the cockpit's own (a #command's reply, a send that failed) between the turns.
import type { SubscribedEvent } from '../../rpc/client.js';
import type { Cockpit } from './cockpit.js';
import type { Target } from './conversation.js';
import { applyAgentEvent, mergeHistory, queued, type Turn } from './agent-turns.js';

/** A line of the cockpit's own, shown in time order among the turns. */
export interface Note {
  id: string;
  time: string;
  /** `#status`, or what failed. */
  title: string;
  text: string;
  failed: boolean;
}

export type Entry = { kind: 'turn'; turn: Turn } | { kind: 'note'; note: Note };

const HISTORY_LIMIT = 100;
/** Streamed pieces within this long of each other cost one redraw (a fast answer sends hundreds a second). */
const OUTPUT_DELAY_MS = 30;

export class AgentConversation {
  private turns: readonly Turn[] = [];
  private notes: Note[] = [];
  private loadedOnce = false;
  private loading = false;
  private again = false;
  private nextNote = 1;
  private outputTimer: NodeJS.Timeout | null = null;
  private readonly stopEvents: () => void;
  /** Turns and notes in time order; a new array whenever anything changed. */
  entries: Entry[] = [];
  /** Counts the rebuilds of `entries`: what the view compares. */
  version = 0;

  constructor(
    private readonly cockpit: Cockpit,
    readonly target: Target,
  ) {
    this.stopEvents = cockpit.onEvent((event) => this.onEvent(event));
    this.reload();
  }

  close(): void {
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.stopEvents();
  }

  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** Type into the agent: a turn is queued (its events show it), or a #command runs and its reply shows here. Answers
   * with one line for the status bar. */
  async send(text: string): Promise<string> {
    const agent = this.target.agent;
    const client = this.cockpit.rpc;
    if (!client) return this.failed(text, 'not connected to the daemon; send it again (↑) once reconnected');
    try {
      const sent = await client.call('agent.send', { agent_name: agent, text });
      if (sent.command !== null) {
        this.note(`#${sent.command}`, sent.reply ?? '(no reply)', false);
        return `#${sent.command} ran`;
      }
      if (sent.turn_id && sent.user_turn_id) {
        const typed = text.startsWith('##') ? text.slice(1) : text;
        this.set(queued(this.turns, agent, { user_turn_id: sent.user_turn_id, turn_id: sent.turn_id, text: typed }, new Date().toISOString()));
        this.cockpit.redraws.flush();
      }
      return `sent to ${agent}${sent.queued_ahead > 0 ? ` (${sent.queued_ahead} ${sent.queued_ahead === 1 ? 'turn' : 'turns'} ahead)` : ''}`;
    } catch (error) {
      return this.failed(text, (error as Error).message);
    }
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
      .call('agent.history', { agent_name: this.target.agent, limit: HISTORY_LIMIT })
      .then(
        (result) => {
          this.loadedOnce = true;
          this.set(mergeHistory(this.turns, result.turns));
        },
        (error: unknown) => this.cockpit.notify(`could not read ${this.target.agent}'s conversation: ${(error as Error).message}`),
      )
      .finally(() => {
        this.loading = false;
        if (this.again) {
          this.again = false;
          this.reload();
        }
      });
  }

  private onEvent(event: SubscribedEvent): void {
    if (!event.type.startsWith('agent.')) return;
    const data = (event.data ?? {}) as { agent_name?: unknown; project_id?: unknown };
    if (data.agent_name !== this.target.agent || data.project_id !== this.target.project_id) return;
    if (event.type === 'agent.removed') {
      this.note('removed', `${this.target.agent} was removed, with its history`, true);
      return;
    }
    const next = applyAgentEvent(this.turns, this.target.agent, event);
    if (event.type === 'agent.output') {
      this.turns = next;
      this.outputTimer ??= setTimeout(() => this.rebuild(), OUTPUT_DELAY_MS);
      return;
    }
    if (next !== this.turns) this.set(next);
    // The finished turn is stored whole (the event carries 2,000 characters of it, and what was typed likewise).
    if (event.type === 'agent.turn_finished') this.reload();
  }

  private failed(text: string, why: string): string {
    this.note('not sent', `${text}\n${why}`, true);
    return `not sent to ${this.target.agent}: ${why}`;
  }

  private note(title: string, text: string, failed: boolean): void {
    this.notes = [...this.notes, { id: `note-${this.nextNote++}`, time: new Date().toISOString(), title, text, failed }];
    this.rebuild();
  }

  private set(turns: readonly Turn[]): void {
    this.turns = turns;
    this.rebuild();
  }

  private rebuild(): void {
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.outputTimer = null;
    const entries: Entry[] = this.turns.map((turn) => ({ kind: 'turn', turn }));
    // Each note goes after the turns that began before it.
    for (const note of this.notes) {
      const at = entries.findIndex((e) => (e.kind === 'turn' ? e.turn.created_at : e.note.time) > note.time);
      entries.splice(at === -1 ? entries.length : at, 0, { kind: 'note', note });
    }
    this.entries = entries;
    this.version += 1;
    this.cockpit.redraws.request();
  }
}
