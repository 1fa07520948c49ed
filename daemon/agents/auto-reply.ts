// auto_reply: a fabric message to a managed agent becomes a turn, and the answer goes back to the sender as a message;
// a hop count carried in each answer's metadata stops two auto-replying agents from answering each other forever.
import { OPERATOR } from '../../rpc/contract/common.js';
import type { EventBus } from '../events/bus.js';
import type { Emit } from '../events/mutate.js';
import type { PlaneDeps } from '../planes/shared/deps.js';
import { postMessage } from '../planes/messages/post.js';
import { queueTurn } from '../planes/agents/turns.js';
import { turnIdOf } from '../planes/agents/records.js';
import type { TurnRow } from '../store/agents.js';
import { outsideCall } from '../principals/call-scope.js';

/** What auto_reply reads of a message's metadata: notes and messages marked no_auto_reply are never answered by an agent. */
interface Metadata {
  system?: boolean;
  no_auto_reply?: boolean;
  brains_hops?: number;
}

function metadataOf(encoded: string | null): Metadata {
  if (encoded === null) return {};
  try {
    const value = JSON.parse(encoded) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Metadata) : {};
  } catch {
    return {};
  }
}

function textOf(payload: string): string {
  const value = JSON.parse(payload) as unknown;
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export class AutoReply {
  private unlisten: (() => void) | null = null;

  constructor(
    private readonly deps: PlaneDeps,
    private readonly queued: (agentName: string) => void,
  ) {}

  /** Who answers messages, kept in memory: every message.sent asks, and only agent changes change it. */
  private answering: Set<string> | null = null;
  private unlistenAgents: (() => void) | null = null;

  start(bus: EventBus): void {
    this.unlistenAgents = bus.listen(['agent.created', 'agent.updated', 'agent.removed', 'project.deleted'], () => (this.answering = null));
    this.unlisten = bus.listen(['message.sent'], (event) => {
      const data = event.data as { message_id: string; from_agent: string; recipients: string[] };
      const projectId = event.subject;
      if (projectId === null) return;
      const takers = data.recipients.filter((name) => name !== data.from_agent && this.answers(projectId, name));
      // After the sender's publish has finished: a turn is queued in a transaction of its own.
      if (takers.length > 0) setImmediate(() => this.take(projectId, data.message_id, takers));
    });
  }

  stop(): void {
    this.unlisten?.();
    this.unlistenAgents?.();
  }

  private answers(projectId: string, agentName: string): boolean {
    this.answering ??= new Set(this.deps.store.agents.autoReplying());
    return this.answering.size > 0 && this.answering.has(`${projectId}\0${agentName}`);
  }

  private take(projectId: string, messageId: string, takers: readonly string[]): void {
    const { store, settings } = this.deps;
    const queuedFor: string[] = [];
    try {
      outsideCall(() =>
        this.deps.mutate((emit) => {
          const message = store.messages.byId(messageId);
          if (!message) return;
          const metadata = metadataOf(message.metadata);
          if (metadata.system || metadata.no_auto_reply) return;
          const hops = Number.isInteger(metadata.brains_hops) ? metadata.brains_hops! : 0;
          const maxHops = settings.get('agent_auto_reply_max_hops');
          for (const name of takers) {
            const agent = store.agents.get(name);
            if (!agent || agent.auto_reply !== 1) continue;
            store.messages.markAcked(projectId, [message.seq], name, Date.now());
            emit('message.acked', projectId, { agent_name: name, message_ids: [messageId] });
            if (hops >= maxHops) {
              this.note(emit, projectId, name, message.from_agent, messageId, `auto-reply stopped: ${hops} messages in this thread were answered automatically (agent_auto_reply_max_hops is ${maxHops}); answer by hand to go on`);
              continue;
            }
            const text = `${message.from_agent} wrote (message ${messageId}):\n${textOf(message.payload)}`;
            queueTurn(this.deps, emit, agent, { text, source: 'message', from_agent: message.from_agent, message_id: messageId, hops });
            queuedFor.push(name);
          }
        }),
      );
    } catch (error) {
      this.deps.log.warn('auto_reply could not take a message', { message_id: messageId, error: String(error) });
    }
    for (const name of queuedFor) this.queued(name);
  }

  /** After a turn that came from a message: its answer (or why there is none) goes back to the sender. */
  answered(turn: TurnRow, answer: { status: string; text: string; error: string | null }): void {
    if (turn.source !== 'message' || turn.from_agent === null || turn.message_id === null) return;
    const agent = this.deps.store.agents.get(turn.agent_name);
    if (!agent) return;
    try {
      outsideCall(() =>
        this.deps.mutate((emit) => {
          if (!this.stillThere(agent.project_id, turn.from_agent!)) return;
          if (answer.status === 'done') {
            postMessage(this.deps, emit, {
              project_id: agent.project_id,
              from_agent: agent.agent_name,
              to_agent: turn.from_agent,
              recipients: [turn.from_agent!],
              payload: JSON.stringify(answer.text),
              metadata: JSON.stringify({ auto_reply: true, brains_hops: turn.hops + 1, turn_id: turnIdOf(turn.turn_no) }),
              reply_to: turn.message_id,
            });
          } else {
            this.note(emit, agent.project_id, agent.agent_name, turn.from_agent!, turn.message_id!, `${agent.agent_name} could not answer (${answer.status}): ${answer.error ?? 'no reason given'}`);
          }
        }),
      );
    } catch (error) {
      this.deps.log.warn('auto_reply could not send an answer', { agent_name: agent.agent_name, error: String(error) });
    }
  }

  private stillThere(projectId: string, name: string): boolean {
    return name === OPERATOR || this.deps.store.projects.member(projectId, name) !== null;
  }

  /** A note in the thread that no agent answers (system), so it cannot start another round. */
  private note(emit: Emit, projectId: string, from: string, to: string, replyTo: string, text: string): void {
    if (!this.stillThere(projectId, to)) return;
    postMessage(this.deps, emit, { project_id: projectId, from_agent: from, to_agent: to, recipients: [to], payload: JSON.stringify(text), metadata: JSON.stringify({ system: true, auto_reply_stopped: true }), reply_to: replyTo });
  }
}
