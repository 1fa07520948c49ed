// The cockpit's live state: a snapshot through the contract's lists, then events.subscribe keeps it true. It never
// polls: an event marks the slices it touches stale, and each stale slice is read again once, however many events came.
import type { BrainsClient, SubscribedEvent } from '../../rpc/client.js';
import { RpcCallError } from '../../rpc/errors.js';
import { OPERATOR } from '../../rpc/operator.js';
import {
  SLICES,
  slicesFor,
  type ApprovalSummary,
  type InboxItem,
  type LockEntry,
  type ManagedAgent,
  type ProjectView,
  type SessionRecord,
  type SliceName,
  type TaskSummary,
  type ScheduleSummary,
  type UsageView,
} from './slices.js';
import { forgetProject, withoutProjects } from './forget-project.js';
import { Redraws } from './redraws.js';
import { actorsOf, type SeenKey } from './seen.js';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface CockpitState {
  connection: ConnectionState;
  /** Why the connection is not live, in words. */
  connectionNote: string | null;
  lastSeq: number;
  projects: ProjectView[];
  sessions: SessionRecord[];
  /** Unread (undelivered or unacknowledged) per `project/agent`. */
  unread: ReadonlyMap<string, number>;
  approvals: ApprovalSummary[];
  locks: LockEntry[];
  tasks: TaskSummary[];
  inbox: InboxItem[];
  /** The agents the daemon runs itself (agent.list), with their state. */
  agents: ManagedAgent[];
  /** Schedules (schedule.list) with their next run and last status. */
  schedules: ScheduleSummary[];
  /** Tokens and cost through the gateway today and this week; null until read. */
  usage: UsageView | null;
  /** When events last showed each agent (member, identity or session) acting: newer than the lists' last_seen. */
  seen: ReadonlyMap<SeenKey, string>;
  /** The newest problem worth showing in the status line (a refused call, a slice that failed to load). */
  notice: string | null;
  /** Bumped whenever anything changes, so views can tell. */
  version: number;
}

/** Something that needs the human arrived: an approval became pending, a message reached the operator, a budget was reached. */
export interface Attention {
  kind: 'approval' | 'message' | 'budget';
  text: string;
}

export interface Connector {
  /** A connected client; throws when the daemon cannot be reached (the cockpit retries). */
  connect(first: boolean): Promise<BrainsClient>;
}

/** Events within this long of each other cost one read of each slice they touch. */
const REFRESH_DELAY_MS = 50;
const RECONNECT_DELAY_MS = 400;
const LIST_LIMIT = 500;

export interface LiveDiff {
  turnId: string | null;
  diff: string;
  truncated: boolean;
}

export class Cockpit {
  private state: CockpitState = {
    connection: 'connecting',
    connectionNote: null,
    lastSeq: 0,
    projects: [],
    sessions: [],
    unread: new Map(),
    approvals: [],
    locks: [],
    tasks: [],
    inbox: [],
    agents: [],
    schedules: [],
    usage: null,
    seen: new Map(),
    notice: null,
    version: 0,
  };
  private client: BrainsClient | null = null;
  /** Every view of this cockpit redraws on this one signal, its conversations' included. */
  readonly redraws = new Redraws();
  private readonly attentionListeners = new Set<(a: Attention) => void>();
  private readonly eventListeners = new Set<(e: SubscribedEvent) => void>();
  /** The last whole-turn diff each agent reported live (agent.diff_updated): what D shows for an agent without a worktree. */
  private readonly liveDiffs = new Map<string, LiveDiff>();
  private readonly stale = new Set<SliceName>();
  private readonly loading = new Set<SliceName>();
  /** Projects deleted while a slice read was under way, in order; a read drops the ones deleted after it began. */
  private deletedDuringReads: string[] = [];
  /** Seen times from events not shown yet: they go on screen with the next batch of reads, not one frame per event. */
  private readonly pendingSeen = new Map<SeenKey, string>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly connector: Connector) {}

  get current(): CockpitState {
    return this.state;
  }

  /** The connected client, for calls a view makes (send, decide, palette); null while reconnecting. */
  get rpc(): BrainsClient | null {
    return this.client;
  }

  /** Told when anything shown changed: at once, or within a tenth of a second when changes come faster than that. */
  subscribe(listener: () => void): () => void {
    return this.redraws.add(listener);
  }

  onAttention(listener: (a: Attention) => void): () => void {
    this.attentionListeners.add(listener);
    return () => this.attentionListeners.delete(listener);
  }

  /** Every event as it arrives (the conversation pane follows its agent's messages through this). */
  onEvent(listener: (e: SubscribedEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Connect, snapshot, follow events; on a lost daemon, reconnect and resume from the last seq seen. */
  async start(): Promise<void> {
    let first = true;
    while (!this.stopped) {
      let client: BrainsClient;
      try {
        client = await this.connector.connect(first);
      } catch (error) {
        this.set({ connection: first ? 'connecting' : 'reconnecting', connectionNote: (error as Error).message });
        first = false;
        await sleep(RECONNECT_DELAY_MS);
        continue;
      }
      first = false;
      if (this.stopped) {
        await client.close();
        return;
      }
      const closed = new Promise<void>((resolve) => client.onClose(resolve));
      if (await this.follow(client)) await closed;
      this.client = null;
      if (!this.stopped) this.set({ connection: 'reconnecting', connectionNote: `lost the daemon after seq ${this.state.lastSeq}; reconnecting` });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    const client = this.client;
    this.client = null;
    this.set({ connection: 'stopped' });
    this.redraws.flush();
    await client?.close();
  }

  /** Mark slices stale and read them again soon (after a call of ours that changed them, or on demand). */
  refresh(slices: readonly SliceName[] = SLICES): void {
    for (const slice of slices) this.stale.add(slice);
    this.scheduleRefresh();
  }

  /** Show a problem in the status line. */
  notify(notice: string | null): void {
    this.set({ notice });
  }

  private async follow(client: BrainsClient): Promise<boolean> {
    client.onEvent((event) => this.onEventArrived(event));
    const since = this.state.lastSeq > 0 ? this.state.lastSeq : undefined;
    try {
      const { head_seq } = await client.call('events.subscribe', since === undefined ? {} : { since });
      if (since === undefined) this.state.lastSeq = head_seq;
    } catch (error) {
      if (error instanceof RpcCallError && error.appCode === 'CURSOR_EXPIRED') {
        // What we missed was pruned: a fresh snapshot from now on is the truth.
        this.state.lastSeq = 0;
      }
      await client.close();
      return false;
    }
    this.client = client;
    this.set({ connection: 'live', connectionNote: null });
    this.refresh();
    return true;
  }

  private onEventArrived(event: SubscribedEvent): void {
    try {
      if (typeof event?.seq !== 'number' || typeof event.type !== 'string') return;
      if (event.seq > this.state.lastSeq) this.state.lastSeq = event.seq;
      if (event.type === 'project.deleted' && event.subject) this.forget(event.subject);
      if (event.type === 'agent.diff_updated') this.noteDiff(event.data);
      this.noteSeen(event.time, actorsOf(event));
      const touched = slicesFor(event.type, event.data);
      if (touched.length > 0) this.refresh(touched);
      const attention = attentionFor(event);
      if (attention) for (const listener of this.attentionListeners) listener(attention);
      for (const listener of this.eventListeners) listener(event);
    } catch {
      // A malformed event never takes the cockpit down; the next snapshot read is the truth anyway.
    }
  }

  /** The last diff the agent reported live in this cockpit's lifetime, if any. */
  liveDiff(agentName: string): LiveDiff | null {
    return this.liveDiffs.get(agentName) ?? null;
  }

  private noteDiff(data: unknown): void {
    const d = data as { agent_name?: unknown; turn_id?: unknown; diff?: unknown; truncated?: unknown } | null;
    if (typeof d?.agent_name !== 'string' || typeof d.diff !== 'string') return;
    this.liveDiffs.set(d.agent_name, { turnId: typeof d.turn_id === 'string' ? d.turn_id : null, diff: d.diff, truncated: d.truncated === true });
  }

  /** A deleted project leaves every pane at once; the reads its event asks for then confirm it. */
  private forget(projectId: string): void {
    if (this.loading.size > 0) this.deletedDuringReads.push(projectId);
    this.set(forgetProject(this.state, projectId));
  }

  private noteSeen(time: string, actors: readonly SeenKey[]): void {
    if (actors.length === 0 || typeof time !== 'string') return;
    for (const actor of actors) if (time > (this.pendingSeen.get(actor) ?? this.state.seen.get(actor) ?? '')) this.pendingSeen.set(actor, time);
    this.scheduleRefresh();
  }

  private flushSeen(): void {
    if (this.pendingSeen.size === 0) return;
    const seen = new Map([...this.state.seen, ...this.pendingSeen]);
    this.pendingSeen.clear();
    this.set({ seen });
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer || (this.stale.size === 0 && this.pendingSeen.size === 0)) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.flushSeen();
      void this.refreshStale();
    }, REFRESH_DELAY_MS);
  }

  private async refreshStale(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const due = [...this.stale].filter((slice) => !this.loading.has(slice));
    for (const slice of due) {
      this.stale.delete(slice);
      this.loading.add(slice);
    }
    await Promise.all(
      due.map(async (slice) => {
        const deletedBefore = this.deletedDuringReads.length;
        try {
          const read = await this.load(client, slice);
          const projectsBefore = projectIds(this.state.projects);
          this.set(withoutProjects(read, this.deletedDuringReads.slice(deletedBefore)));
          // Tasks are read project by project: a project that came or went (archived, say) needs them read again.
          if (slice === 'projects' && projectIds(this.state.projects) !== projectsBefore) this.stale.add('tasks');
        } catch (error) {
          if (!client.isClosed) this.set({ notice: `could not read ${slice}: ${(error as Error).message}` });
        } finally {
          this.loading.delete(slice);
          if (this.loading.size === 0) this.deletedDuringReads = [];
        }
      }),
    );
    // Events that came while a slice was loading made it stale again: read it once more.
    this.scheduleRefresh();
  }

  private async load(client: BrainsClient, slice: SliceName): Promise<Partial<CockpitState>> {
    switch (slice) {
      case 'projects':
        return { projects: await loadProjects(client) };
      case 'sessions': {
        const { sessions } = await client.call('session.list', { include_gone: true, limit: LIST_LIMIT });
        return { sessions };
      }
      case 'unread': {
        const { counts } = await client.call('message.unread_counts', {});
        return { unread: new Map(counts.map((c) => [`${c.project_id}/${c.agent_name}`, c.unread])) };
      }
      case 'approvals': {
        const { approvals } = await client.call('approval.list', { status: 'pending', limit: LIST_LIMIT });
        return { approvals: [...approvals].sort((a, b) => a.created_at.localeCompare(b.created_at) || compareIds(a.approval_id, b.approval_id)) };
      }
      case 'locks': {
        const { locks } = await client.call('lock.list', {});
        return { locks };
      }
      case 'tasks':
        return { tasks: await loadTasks(client, this.state.projects) };
      case 'inbox':
        return { inbox: await loadInbox(client) };
      case 'agents': {
        const { agents } = await client.call('agent.list', {});
        return { agents };
      }
      case 'schedules': {
        const { schedules } = await client.call('schedule.list', {});
        return { schedules };
      }
      case 'usage':
        return { usage: await loadUsage(client) };
    }
  }

  private set(patch: Partial<CockpitState>): void {
    this.state = { ...this.state, ...patch, version: this.state.version + 1 };
    this.redraws.request();
  }
}

async function loadProjects(client: BrainsClient): Promise<ProjectView[]> {
  const { projects } = await client.call('project.list', { limit: LIST_LIMIT });
  const infos = await Promise.all(
    projects.map(async (p) => {
      try {
        const info = await client.call('project.info', { project_id: p.project_id });
        return info.timed_out ? null : { project_id: p.project_id, name: p.name, members: info.members };
      } catch {
        return null; // deleted between the list and the read
      }
    }),
  );
  return infos.filter((p): p is ProjectView => p !== null);
}

async function loadTasks(client: BrainsClient, projects: readonly ProjectView[]): Promise<TaskSummary[]> {
  const ids = projects.length > 0 ? projects.map((p) => p.project_id) : (await client.call('project.list', { limit: LIST_LIMIT })).projects.map((p) => p.project_id);
  const lists = await Promise.all(
    ids.map(async (project_id) => {
      try {
        return (await client.call('task.list', { project_id, limit: LIST_LIMIT })).tasks;
      } catch {
        return [];
      }
    }),
  );
  return lists.flat();
}

/** message.inbox answers at most this many per call: the newest unread come first, which is what the pane shows. */
const INBOX_LIMIT = 200;

async function loadInbox(client: BrainsClient): Promise<InboxItem[]> {
  const { messages } = await client.call('message.inbox', { limit: INBOX_LIMIT });
  return messages.map((m) => ({
    message_id: m.message_id,
    project_id: m.project_id,
    from_agent: m.from_agent,
    payload: m.payload,
    reply_expected: m.reply_expected,
    created_at: m.created_at,
    state: m.state,
    unread: m.unread,
  }));
}

/** Each grouping the usage pane shows: per agent and per model, today and this week. */
const USAGE_ROWS = 50;

async function loadUsage(client: BrainsClient): Promise<UsageView> {
  const read = (by: 'agent' | 'model', since: 'today' | 'week') => client.call('gateway.usage', { by, since, limit: USAGE_ROWS });
  const [agentsToday, modelsToday, agentsWeek, modelsWeek] = await Promise.all([read('agent', 'today'), read('model', 'today'), read('agent', 'week'), read('model', 'week')]);
  return {
    today: { agents: agentsToday.rows, models: modelsToday.rows, totals: agentsToday.totals },
    week: { agents: agentsWeek.rows, models: modelsWeek.rows, totals: agentsWeek.totals },
  };
}

function attentionFor(event: SubscribedEvent): Attention | null {
  if (event.type === 'approval.requested') {
    const data = event.data as { title?: string; requested_by?: string; kind?: string };
    return { kind: 'approval', text: `${data.requested_by ?? 'an agent'} asks: ${data.title ?? 'a decision'}` };
  }
  if (event.type === 'message.sent') {
    const data = event.data as { from_agent?: string; to_agent?: string | null; recipients?: string[]; preview?: string };
    const toOperator = data.to_agent === OPERATOR || (data.to_agent === null && (data.recipients ?? []).includes(OPERATOR));
    if (toOperator && data.from_agent !== OPERATOR) return { kind: 'message', text: `${data.from_agent ?? 'an agent'}: ${data.preview ?? ''}` };
  }
  // A budget of an agent in a project reaches the operator as a message (above); a key's of no project only as this event.
  if (event.type === 'gateway.budget_exceeded') {
    const data = event.data as { budget?: string; project_id?: string | null; resets_at?: string };
    if (data.project_id === null) return { kind: 'budget', text: `budget ${data.budget ?? '?'} reached; its requests are refused until ${data.resets_at ?? 'it resets'}` };
  }
  return null;
}

function projectIds(projects: readonly ProjectView[]): string {
  return projects.map((p) => p.project_id).join('\n');
}

/** approval-9 before approval-10. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || a.localeCompare(b);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
