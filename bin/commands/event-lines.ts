// One event as one line a person can read in `brains watch`: local time, type, who did it, and what happened.
import type { SubscribedEvent } from '../../rpc/client.js';
import { clock, oneLine, type Colour } from './human.js';

type Paint = (colour: Colour, text: string) => string;

const TYPE_WIDTH = 18;
const WHO_WIDTH = 12;
/** Longest name, title or preview shown inside a summary. */
const TEXT = 120;

/** The line for an event, cut to `width` characters (colour codes aside). */
export function eventLine(event: SubscribedEvent, paint: Paint, width = Infinity): string {
  const { who, what } = describe(event);
  const type = oneLine(event.type, 60);
  const prefix = `${clock(event.time)}  ${type.padEnd(TYPE_WIDTH)}  ${who.padEnd(WHO_WIDTH)}  `;
  const summary = oneLine(what, Math.max(20, width - [...prefix].length));
  return `${paint('dim', clock(event.time))}  ${paint(colourOf(event.type), type.padEnd(TYPE_WIDTH))}  ${paint('bold', who.padEnd(WHO_WIDTH))}  ${summary}`;
}

/** The first line: where in the log the feed starts. */
export function startLine(headSeq: number, since: number | undefined, types: readonly string[] | undefined): string {
  const which = types ? ` (${types.join(', ')})` : '';
  const from =
    since === undefined || since >= headSeq
      ? `Watching events${which} after seq ${headSeq}`
      : `Replaying events${which} after seq ${since} (up to ${headSeq}), then watching live`;
  return `${from}; Ctrl-C to stop.`;
}

function colourOf(type: string): Colour {
  if (type.endsWith('.dead') || type.endsWith('.expired') || type === 'daemon.stopping' || type === 'session.gone') return 'red';
  const family = type.slice(0, type.indexOf('.'));
  const colours: Record<string, Colour> = { message: 'cyan', lock: 'yellow', approval: 'magenta', task: 'blue', schedule: 'blue', project: 'green', resource: 'green', agent: 'cyan', user: 'bold' };
  return colours[family] ?? 'dim';
}

const short = (text: string | null | undefined, max = TEXT) => oneLine(text ?? '', max);
const quoted = (text: string | null | undefined) => `"${short(text)}"`;
const plural = (n: number, word: string, words = `${word}s`) => `${n} ${n === 1 ? word : words}`;

/** Where a repository-scoped lease's key lives; nothing for a global key (or a lease from before scopes). */
function lockRoot(lease: { scope?: string | undefined; root?: string | null | undefined }): string {
  return lease.root ? ` in ${short(lease.root, 60)}` : '';
}

/** The holder in full (name, project, tool, directory), as lock.list says it; leases from before carry only the label. */
function heldBy(lease: { holder_text?: string | undefined }, lead = ' by'): string {
  return lease.holder_text ? `${lead} ${short(lease.holder_text, 80)}` : '';
}

/**
 * How a lease ended, said once. The daemon sends a reason (released, expired, holder_gone, member_left) and a detail that
 * opens by repeating it ("released by its holder", "expired: its ttl passed…", "holder gone: session … ended"): the
 * opening is dropped, and a release by its holder names the holder instead.
 */
function leaseEnd(verb: 'released' | 'expired', lease: { reason: string; detail: string; holder_text?: string | undefined }): string {
  const reason = lease.reason.replace(/[^A-Za-z]+/g, ' ').trim();
  const why = lease.detail.trim().replace(new RegExp(`^(?:${verb}|${reason || verb})\\b\\s*:?\\s*`, 'i'), '');
  if (/^by its holder$/i.test(why)) return `${verb}${heldBy(lease) || ' by its holder'}`;
  return `${verb}${heldBy(lease, ', was held by')}${why ? `: ${short(why)}` : ''}`;
}

/** Who did it and what happened, from the event's own data. */
function describe(event: SubscribedEvent): { who: string; what: string } {
  const at = short(event.subject, 60);
  const said = (who: string | null | undefined, what: string) => ({ who: short(who, 40) || '-', what });
  switch (event.type) {
    case 'daemon.started':
      return said('daemon', `started, pid ${event.data.pid}, version ${short(event.data.version, 40)}`);
    case 'daemon.stopping':
      return said('daemon', `stopping (pid ${event.data.pid}): ${short(event.data.reason)}`);
    case 'config.changed':
      return said('operator', `${short(event.data.key, 60)} = ${event.data.value} (was ${event.data.previous})`);
    case 'mcp.token_minted':
      return said('operator', `${at}: a token for ${short(event.data.agent_name)}${event.data.replaced ? ' (the old one no longer works)' : ''}`);
    case 'session.started':
      return said(event.data.tool, `session ${at.slice(0, 8)} started in ${short(event.data.working_directory) || 'no directory'}${event.data.pid ? ` (pid ${event.data.pid})` : ''}`);
    case 'session.active':
    case 'session.idle':
      return said(event.data.client_id, `session ${at.slice(0, 8)} is ${event.type === 'session.active' ? 'active again' : 'idle'}`);
    case 'session.ended':
    case 'session.gone':
      return said(event.data.tool, `session ${at.slice(0, 8)} ${event.type === 'session.gone' ? 'gone' : 'ended'}: ${short(event.data.reason)}`);
    case 'hook.nudged': {
      const told = [[event.data.messages, 'message'], [event.data.decisions, 'decision'], [event.data.leases, 'lease']] as const;
      const parts = told.flatMap(([n, word]) => (n ? [plural(n, word)] : []));
      return said(event.data.tool, `${event.data.event}: told of ${parts.join(', ') || 'nothing new'}${event.data.blocked ? ' (asked to continue)' : ''}`);
    }
    case 'project.created':
      return said(event.data.created_by, `created ${at} ${quoted(event.data.name)}`);
    case 'project.joined':
      return said(event.data.agent_name, `${event.data.rejoined ? 'rejoined' : 'joined'} ${at} as ${event.data.role}`);
    case 'project.left':
      return said(event.data.agent_name, `left ${at}`);
    case 'project.coordinator_changed':
      return said(event.data.from_agent, `${at}: ${short(event.data.to_agent)} is coordinator now (${short(event.data.reason)})`);
    case 'project.archived':
      return said(event.data.by, `archived ${at}${event.data.reason ? `: ${short(event.data.reason)}` : ''}`);
    case 'project.deleted':
      return said(event.data.by, `deleted ${at}`);
    case 'message.sent': {
      const to = event.data.broadcast ? 'everyone' : short(event.data.to_agent, 40);
      const preview = event.data.preview === null ? '(not yours to read)' : quoted(event.data.preview);
      return said(event.data.from_agent, `${at}: → ${to}${event.data.reply_expected ? ' ↩' : ''} ${preview}`);
    }
    case 'message.delivered':
      return said(event.data.agent_name, `${at}: took ${plural(event.data.deliveries.length, 'message')}`);
    case 'message.acked':
      return said(event.data.agent_name, `${at}: acknowledged ${plural(event.data.message_ids.length, 'message')}`);
    case 'message.dead':
      return said(event.data.recipient, `${at}: a message from ${short(event.data.from_agent, 40)} died unacknowledged after ${plural(event.data.attempts, 'delivery', 'deliveries')}`);
    case 'message.expired':
      return said(event.data.recipient, `${at}: a message from ${short(event.data.from_agent, 40)} expired unacknowledged`);
    case 'resource.stored':
      return said(event.data.by, `${at}: ${event.data.created ? 'created' : 'stored'} ${short(event.data.resource_id)} v${event.data.version}`);
    case 'resource.deleted':
      return said(event.data.by, `${at}: deleted ${short(event.data.resource_id)}`);
    case 'lock.acquired':
      return said(event.data.holder_label, `${at}${lockRoot(event.data)} (${event.data.mode}) held${heldBy(event.data)} until ${clock(event.data.expires_at)}${event.data.waited_ms > 0 ? `, after waiting ${Math.round(event.data.waited_ms / 100) / 10}s` : ''}`);
    case 'lock.renewed':
      return said(event.data.holder_label, `${at}${lockRoot(event.data)} (${event.data.mode}) renewed${heldBy(event.data)} until ${clock(event.data.expires_at)}`);
    case 'lock.released':
    case 'lock.expired':
      return said(event.data.holder_label, `${at}${lockRoot(event.data)} ${leaseEnd(event.type === 'lock.expired' ? 'expired' : 'released', event.data)}`);
    case 'task.created':
      return said(event.data.created_by, `${at}: ${event.data.task_id} ${quoted(event.data.title)} (${event.data.priority})`);
    case 'task.claimed':
      return said(event.data.agent_name, `${at}: claimed ${event.data.task_id} (${event.data.priority})`);
    case 'task.updated':
      return said(event.data.agent_name, `${at}: ${event.data.task_id} ${event.data.previous_status} → ${event.data.status}${event.data.note_added ? ', with a note' : ''}`);
    case 'task.released':
      return said(event.data.agent_name ?? event.data.released_by, `${at}: ${event.data.task_id} back in the queue (${short(event.data.reason)})`);
    case 'approval.requested':
      return said(event.data.requested_by, `${at}: ${event.data.kind} ${event.data.approval_id} ${quoted(event.data.title)} is pending`);
    case 'approval.decided': {
      const outcome = event.data.status === 'decided' ? `decided: ${short(event.data.decision, 64)}` : event.data.status;
      return said(event.data.decided_by, `${at}: ${event.data.approval_id} ${quoted(event.data.title)} ${outcome}${event.data.comment ? ` (${short(event.data.comment)})` : ''}`);
    }
    case 'approval.cancelled':
      return said(event.data.requested_by, `${at}: ${event.data.approval_id} cancelled${event.data.reason ? ` (${short(event.data.reason)})` : ''}`);
    case 'agent.created':
      return said(event.data.agent_name, `created in ${event.data.project_id}: ${event.data.backend} in ${short(event.data.working_directory, 60)}`);
    case 'agent.updated':
      return said(event.data.agent_name, `changed ${event.data.changed.join(', ')}${event.data.fresh_session ? '; a fresh session next turn' : ''}`);
    case 'agent.removed':
      return said(event.data.agent_name, `removed from ${event.data.project_id}`);
    case 'agent.turn_queued':
      return said(event.data.agent_name, `${event.data.turn_id} queued${event.data.from_agent ? ` (message from ${short(event.data.from_agent, 40)})` : ''}: ${quoted(event.data.text)}`);
    case 'agent.turn_started':
      return said(event.data.agent_name, `${event.data.turn_id} started${event.data.attempt > 1 ? ` (attempt ${event.data.attempt})` : ''}`);
    case 'agent.output':
      return said(event.data.agent_name, `${event.data.turn_id}: ${quoted(event.data.delta)}`);
    case 'agent.tool_use': {
      const result = event.data.result === null ? '' : ` → ${event.data.is_error ? 'error: ' : ''}${short(event.data.result, 60)}`;
      return said(event.data.agent_name, `${event.data.turn_id}: ${short(event.data.name, 40)} ${short(event.data.summary, 80)}${result}`);
    }
    case 'agent.turn_finished': {
      const cost = event.data.cost_usd ? `, $${event.data.cost_usd.toFixed(4)}` : '';
      return said(event.data.agent_name, `${event.data.turn_id} ${event.data.status}${cost}${event.data.error ? `: ${short(event.data.error)}` : `: ${quoted(event.data.text)}`}`);
    }
    case 'agent.state_changed':
      return said(event.data.agent_name, `${event.data.state}${event.data.detail ? `: ${short(event.data.detail)}` : ''}`);
    case 'schedule.created':
      return said(event.data.created_by, `${event.data.project_id}: schedule ${event.data.name} (${event.data.kind}) created${event.data.next_run_at ? `, next run ${event.data.next_run_at}` : event.data.enabled ? '' : ', paused'}`);
    case 'schedule.updated':
      return said('-', `${event.data.project_id}: schedule ${event.data.name} ${event.data.enabled ? 'changed' : 'paused'} (${event.data.changed.join(', ')})${event.data.next_run_at ? `, next run ${event.data.next_run_at}` : ''}`);
    case 'schedule.deleted':
      return said(event.data.by, `${event.data.project_id}: schedule ${event.data.name} deleted`);
    case 'schedule.run_started':
      return said('-', `${event.data.project_id}: schedule ${event.data.name} run ${event.data.n} started (${event.data.trigger}, due ${event.data.due_at})`);
    case 'schedule.run_finished':
      return said('-', `${event.data.project_id}: schedule ${event.data.name} run ${event.data.n} ${event.data.status}${event.data.error ? `: ${short(event.data.error)}` : event.data.output ? `: ${quoted(event.data.output)}` : ''}`);
    case 'gateway.budget_exceeded':
      return said(event.data.agent_name ?? event.data.key, `budget ${at} of ${event.data.limit} reached (${event.data.spent} spent): refused with 429 until ${event.data.resets_at}`);
    case 'gateway.requests_recorded':
      return said('gateway', `${plural(event.data.requests, 'request')} recorded${event.data.agents.length > 0 ? ` (${event.data.agents.map((a) => short(a, 40)).join(', ')})` : ''}`);
    default:
      return said('-', `${event.subject === null ? '' : `${at}: `}${short(jsonText(event.data), 200)}`);
  }
}

function jsonText(data: unknown): string {
  if (data === null || data === undefined) return '';
  return typeof data === 'string' ? data : JSON.stringify(data);
}
