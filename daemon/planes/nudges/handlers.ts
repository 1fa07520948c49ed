// The nudges plane: an agent tool's hooks register its session and hear only what is new for it (mail, decisions,
// expiring leases), so an interactive agent learns of them at its next prompt without polling.
import { nudgesMethods, type HookEvent, type HookPayload, type HookTool } from '../../../rpc/contract/nudges.js';
import type { Result } from '../../../rpc/contract/index.js';
import { BrainsError } from '../../../rpc/errors.js';
import { inFaceNames, nameIn } from '../../../rpc/contract/face-names.js';
import type { Emit } from '../../events/mutate.js';
import type { CallContext, HandlersFor } from '../shared/call.js';
import type { SessionRow } from '../../store/sessions.js';
import type { DecidedRequest, WaitingMessage } from '../../store/nudges.js';
import type { PlaneDeps } from '../shared/deps.js';
import { endSession, sessionRegistration, touchSession } from '../sessions/handlers.js';

/** Hook text reaches a model that calls brains through its MCP tools. */
const tool = (method: string): string => nameIn('mcp', method);

/** A lease with less than this left is worth a reminder to renew it. */
const LEASE_WARNING_MS = 60_000;
/** A note is for a model's context: it stays short whatever piles up. */
const MAX_NOTE_CHARS = 4000;
const HOOK_EVENT_NAMES: Record<HookEvent, string> = {
  'session-start': 'SessionStart',
  'user-prompt-submit': 'UserPromptSubmit',
  stop: 'Stop',
  'session-end': 'SessionEnd',
};

type Answer = Result<'hook.handle'>;
type Welcome = ReturnType<ReturnType<typeof sessionRegistration>['welcomeOf']>;
interface Call {
  tool: HookTool;
  event: HookEvent;
  payload: HookPayload;
  pid: number | undefined;
  ctx: CallContext;
}
interface Remembered {
  item: string;
  project_id: string | null;
}

export function nudgesHandlers(deps: PlaneDeps): HandlersFor<typeof nudgesMethods> {
  const { store } = deps;
  // Registration goes through the sessions plane: same identity rules, rows and session.started event. A hook joins the
  // brains mcp instance of the same tool process (same pid), so one agent window is one instance.
  const registration = sessionRegistration(deps);

  const startSession = (call: Call): SessionRow => {
    if (!call.payload.cwd) throw new BrainsError('INVALID', `${call.event} needs the tool's cwd to know who the agent is`);
    // The tool's own session id keys the identity: a resumed conversation is the agent it was, if nobody runs as it now.
    const earlier = store.nudges.mapping(call.tool, call.payload.session_id);
    const before = earlier ? store.sessions.get(earlier.session_id) : null;
    const resumable = before && store.identities.heldByLiveSession(before.client_id, null) === null ? before.client_id : undefined;
    const started = registration.start(
      {
        tool: call.tool,
        working_directory: call.payload.cwd,
        client_id: resumable,
        pid: call.pid,
        transcript_path: call.payload.transcript_path ?? undefined,
        label: `${call.tool} ${call.payload.session_id}`.slice(0, 200),
        bind: false,
      },
      call.ctx,
      { kind: 'hook', joinKind: 'mcp' },
    );
    store.nudges.map(call.tool, call.payload.session_id, started.session_id, new Date().toISOString());
    return store.sessions.get(started.session_id)!;
  };

  /** The live session this tool session maps to, registering one when there is none (or it was reaped); null if it cannot. */
  const liveSession = (call: Call, emit: Emit): SessionRow | null => {
    const mapping = store.nudges.mapping(call.tool, call.payload.session_id);
    const mapped = mapping ? store.sessions.get(mapping.session_id) : null;
    if (mapped && mapped.state !== 'gone') {
      touchSession(deps, emit, mapped, new Date().toISOString());
      return mapped;
    }
    return call.payload.cwd ? startSession(call) : null;
  };

  /**
   * At a session start: the mapped session, unless the tool now runs in another process (a resume after a restart),
   * in which case the old one ends and a new one with the new pid takes its place.
   */
  const freshSession = (call: Call, emit: Emit): SessionRow => {
    const session = liveSession(call, emit) ?? startSession(call);
    if (call.pid === undefined || session.pid === null || session.pid === call.pid) return session;
    endSession(deps, emit, session, 'session.ended', `${call.tool} resumed it in process ${call.pid}`);
    return startSession(call);
  };

  const memberships = (session: SessionRow) =>
    store.projects.membershipsOfClient(session.client_id).map((m) => ({ project_id: m.project_id, agent_name: m.agent_name }));

  const waitingMessages = (session: SessionRow): WaitingMessage[] => {
    const nowIso = new Date().toISOString();
    const maxAttempts = deps.settings.get('message_max_attempts');
    return memberships(session).flatMap((m) => store.nudges.waitingFor(m.project_id, m.agent_name, nowIso, maxAttempts));
  };

  /** Keep the items this tool session has not been told yet. */
  const unseen = <T>(call: Call, items: T[], keyOf: (item: T) => string): T[] => {
    const seen = store.nudges.remindedOf(call.tool, call.payload.session_id, items.map(keyOf));
    return items.filter((item) => !seen.has(keyOf(item)));
  };

  const remember = (call: Call, items: Remembered[]) => {
    if (items.length > 0) store.nudges.remember(call.tool, call.payload.session_id, items, new Date().toISOString());
  };

  const nudged = (emit: Emit, call: Call, session: SessionRow, counts: Record<string, number>) =>
    emit('hook.nudged', session.session_id, { tool: call.tool, event: call.event, tool_session_id: call.payload.session_id, ...counts });

  const onSessionStart = (call: Call): Answer =>
    deps.mutate((emit) => {
      const session = freshSession(call, emit);
      const welcome = registration.welcomeOf(session);
      const messages = waitingMessages(session);
      remember(call, messages.map(messageItem));
      const text = welcomeText(session, welcome, messages);
      if (text) nudged(emit, call, session, { messages: messages.length });
      return answer(call, session, text);
    });

  const onPrompt = (call: Call): Answer =>
    deps.mutate((emit) => {
      const session = liveSession(call, emit);
      if (!session) return answer(call, null, null);
      const mapping = store.nudges.mapping(call.tool, call.payload.session_id)!;
      const messages = unseen(call, waitingMessages(session), (m) => messageItem(m).item);
      const decisions = unseen(
        call,
        memberships(session).flatMap((m) => store.nudges.decidedFor(m.project_id, m.agent_name, mapping.created_at)),
        (d) => decisionItem(d).item,
      );
      const leases = unseen(call, expiringLeases(deps, session), (l) => leaseItem(l).item);
      remember(call, [...messages.map(messageItem), ...decisions.map(decisionItem), ...leases.map(leaseItem)]);
      const lines = [...messageLines(messages), ...decisions.map(decisionLine), ...leases.map(leaseLine)];
      if (lines.length === 0) return answer(call, session, null);
      nudged(emit, call, session, { messages: messages.length, decisions: decisions.length, leases: leases.length });
      return answer(call, session, ['brains — new since your last prompt:', ...lines].join('\n'));
    });

  const onStop = (call: Call): Answer =>
    deps.mutate((emit) => {
      const session = liveSession(call, emit);
      // Already continuing because of a stop hook: never hold the agent twice in a row (that is how loops start).
      if (!session || call.payload.stop_hook_active === true) return answer(call, session, null);
      const awaiting = unseen(
        call,
        waitingMessages(session).filter((m) => m.reply_expected === 1),
        (m) => stopItem(m).item,
      );
      if (awaiting.length === 0) return answer(call, session, null);
      remember(call, [...awaiting.map(stopItem), ...awaiting.map(messageItem)]);
      nudged(emit, call, session, { messages: awaiting.length, blocked: 1 });
      return { stdout: JSON.stringify({ decision: 'block', reason: stopReason(awaiting) }), exit_code: 0, session_id: session.session_id };
    });

  const onSessionEnd = (call: Call): Answer =>
    deps.mutate((emit) => {
      const mapping = store.nudges.mapping(call.tool, call.payload.session_id);
      const session = mapping ? store.sessions.get(mapping.session_id) : null;
      if (!session || session.state === 'gone') return answer(call, null, null);
      const why = call.payload.reason ? ` (${call.payload.reason})` : '';
      endSession(deps, emit, session, 'session.ended', `${call.tool} ended the session${why}`);
      return answer(call, session, null);
    });

  return {
    'hook.handle': ({ tool, event, payload, pid }, ctx) => {
      const call: Call = { tool, event, payload, pid, ctx };
      switch (event) {
        case 'session-start':
          return onSessionStart(call);
        case 'user-prompt-submit':
          return onPrompt(call);
        case 'stop':
          return onStop(call);
        case 'session-end':
          return onSessionEnd(call);
      }
    },
  };
}

/** What the hook prints: context for the model in the tools' documented `hookSpecificOutput` shape, or nothing. */
function answer(call: Call, session: SessionRow | null, context: string | null): Answer {
  const stdout =
    context === null
      ? null
      : JSON.stringify({ hookSpecificOutput: { hookEventName: HOOK_EVENT_NAMES[call.event], additionalContext: clip(context, MAX_NOTE_CHARS) } });
  return { stdout, exit_code: 0, session_id: session?.session_id ?? null };
}

const messageItem = (m: WaitingMessage): Remembered => ({ item: `message:${m.message_id}:${m.recipient}`, project_id: m.project_id });
const stopItem = (m: WaitingMessage): Remembered => ({ item: `stop:${m.message_id}:${m.recipient}`, project_id: m.project_id });
const decisionItem = (d: DecidedRequest): Remembered => ({ item: `decision:${d.approval_no}`, project_id: d.project_id });

interface ExpiringLease {
  lease_id: string;
  key: string;
  fencing_token: number;
  expires_at: string;
  project_id: string | null;
}
const leaseItem = (l: ExpiringLease): Remembered => ({ item: `lease:${l.lease_id}:${l.expires_at}`, project_id: l.project_id });

/** Leases held by this session or under one of its names that end within the warning window. */
function expiringLeases(deps: PlaneDeps, session: SessionRow): ExpiringLease[] {
  const { store } = deps;
  const now = Date.now();
  const leases = [
    ...store.locks.liveForSession(session.session_id),
    ...store.projects.membershipsOfClient(session.client_id).flatMap((m) => store.locks.liveForMember(m.project_id, m.agent_name)),
  ];
  return leases.filter((l) => {
    const left = Date.parse(l.expires_at) - now;
    return left > 0 && left <= LEASE_WARNING_MS;
  });
}

/** Waiting mail grouped by the name it is addressed to: how many, from whom, how many expect a reply, and what to call. */
function messageLines(messages: readonly WaitingMessage[]): string[] {
  const groups = new Map<string, WaitingMessage[]>();
  for (const m of messages) {
    const key = `${m.project_id}\u0000${m.recipient}`;
    const list = groups.get(key);
    if (list) list.push(m);
    else groups.set(key, [m]);
  }
  return [...groups.values()].map((list) => {
    const { project_id, recipient } = list[0]!;
    const senders = new Map<string, number>();
    for (const m of list) senders.set(m.from_agent, (senders.get(m.from_agent) ?? 0) + 1);
    const from = [...senders].map(([name, n]) => (n > 1 ? `${n} from ${name}` : `1 from ${name}`)).join(', ');
    const replies = list.filter((m) => m.reply_expected === 1).length;
    const expecting = replies > 0 ? `; ${replies} expect${replies === 1 ? 's' : ''} your reply` : '';
    return (
      `- ${plural(list.length, 'unread message')} for you (${recipient}) in project ${project_id}: ${from}${expecting}. ` +
      `Read with ${tool('message.receive')} {"project_id":"${project_id}","agent_name":"${recipient}"}, then ${tool('message.ack')} each.`
    );
  });
}

function decisionLine(d: DecidedRequest): string {
  const verdict = d.status === 'decided' ? `decided: ${quote(d.decision ?? '')}` : d.status;
  const comment = d.comment ? ` — ${quote(d.comment)}` : '';
  return `- your ${d.kind} approval-${d.approval_no} ${quote(d.title)} in project ${d.project_id} was ${verdict} by ${d.decided_by ?? 'the operator'}${comment}.`;
}

function leaseLine(l: ExpiringLease): string {
  const seconds = Math.max(1, Math.round((Date.parse(l.expires_at) - Date.now()) / 1000));
  return `- your lock on ${quote(l.key)} (fencing token ${l.fencing_token}) expires in ${seconds}s: renew it with ${tool('lock.renew')} if you still need it, or release it with ${tool('lock.release')}.`;
}

function stopReason(awaiting: readonly WaitingMessage[]): string {
  const who = awaiting.map((m) => `${m.from_agent} (project ${m.project_id}, to you as ${m.recipient}, message ${m.message_id})`).join('; ');
  const { project_id, recipient } = awaiting[0]!;
  return clip(
    `brains: ${plural(awaiting.length, 'message')} waiting for you expect${awaiting.length === 1 ? 's' : ''} a reply — from ${who}. ` +
      `Before you stop: read with ${tool('message.receive')} {"project_id":"${project_id}","agent_name":"${recipient}"}, answer with ${tool('message.send')} (reply_to the message_id), ` +
      `then ${tool('message.ack')}. If no reply is needed, acknowledge it and stop.`,
    MAX_NOTE_CHARS,
  );
}

/** The welcome packet as a few lines for a model; null when this directory has nothing to do with brains. */
function welcomeText(session: SessionRow, w: Welcome, messages: readonly WaitingMessage[]): string | null {
  if (w.total_projects === 0 && w.locks.length === 0 && w.tasks.length === 0 && w.pending_approvals.length === 0) return null;
  const lines = [`brains — you are connected to the agent coordination fabric (session ${session.session_id}).`, ...w.identity_reminder.map((r) => `- ${inFaceNames('mcp', r)}`)];
  lines.push(...(messages.length > 0 ? messageLines(messages) : ['- No unread messages.']));
  for (const a of w.pending_approvals) lines.push(`- Pending ${a.kind} ${a.approval_id} ${quote(a.title)} in project ${a.project_id} (waiting for the operator).`);
  for (const l of w.locks) lines.push(`- You hold the ${l.mode} lock on ${quote(l.key)} (fencing token ${l.token}) until ${l.expires_at}.`);
  for (const t of w.tasks) lines.push(`- You claimed task ${t.task_id} ${quote(t.title)} (${t.priority}, ${t.status}) in project ${t.project_id}.`);
  // Over MCP HTTP the server cannot know the agent's directory: this is how the agent resumes its identity there.
  if (w.projects.length > 0 && w.working_directory) lines.push(`- In brains' MCP tools, call ${tool('session.status')} with {"working_directory":${JSON.stringify(w.working_directory)}} once to act as yourself.`);
  return lines.join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Free text written by agents (titles, comments) goes into another model's context quoted and bounded. */
function quote(text: string): string {
  return JSON.stringify(clip(text, 200));
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
