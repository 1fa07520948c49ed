// Who an event shows acting, and when: the daemon refreshes last_seen without an event, so the Sessions "seen" column
// follows agents through the events they cause (mail they send, take or acknowledge, locks, tasks, approvals, presence,
// a managed agent's turns).
import type { SubscribedEvent } from '../../rpc/client.js';

/** `member:project/agent`, `client:<client_id>` or `session:<session_id>`: whom a seen time belongs to. */
export type SeenKey = string;

export const memberSeenKey = (projectId: string, agent: string): SeenKey => `member:${projectId}/${agent}`;
export const clientSeenKey = (clientId: string): SeenKey => `client:${clientId}`;
export const sessionSeenKey = (sessionId: string): SeenKey => `session:${sessionId}`;

/** Who acted in an event; none when it shows nobody acting (an expiry, the reaper, the operator's own decisions). */
export function actorsOf(event: SubscribedEvent): SeenKey[] {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const project = event.subject ?? '';
  const member = (name: unknown) => (typeof name === 'string' && project ? [memberSeenKey(project, name)] : []);
  switch (event.type) {
    case 'message.sent':
      return member(data.from_agent);
    case 'message.delivered':
    case 'message.acked':
    case 'project.joined':
    case 'task.claimed':
    case 'task.updated':
      return member(data.agent_name);
    case 'task.created':
    case 'project.created':
      return member(data.created_by);
    case 'task.released':
      return member(data.released_by);
    case 'approval.requested':
    case 'approval.cancelled':
      return member(data.requested_by);
    case 'resource.stored':
    case 'resource.deleted':
      return member(data.by);
    case 'lock.acquired':
    case 'lock.renewed':
      return holderKeys(data.holder);
    case 'lock.released':
      // Only a release its holder made; one that followed the holder's leaving or going says nothing of it acting.
      return data.reason === 'released' ? holderKeys(data.holder) : [];
    case 'agent.turn_started':
    case 'agent.tool_use':
    case 'agent.turn_finished':
      // A managed agent's events name it as their subject, and its project in their data.
      return typeof data.project_id === 'string' && typeof data.agent_name === 'string' ? [memberSeenKey(data.project_id, data.agent_name)] : [];
    case 'session.started':
    case 'session.active':
    case 'hook.nudged':
      // session.idle, .ended and .gone are no sign of life; they make the cockpit read the session list again anyway.
      return [...(event.subject ? [sessionSeenKey(event.subject)] : []), ...(typeof data.client_id === 'string' ? [clientSeenKey(data.client_id)] : [])];
    default:
      return [];
  }
}

function holderKeys(holder: unknown): SeenKey[] {
  if (!holder || typeof holder !== 'object') return [];
  const h = holder as { project_id?: unknown; agent_name?: unknown; session_id?: unknown };
  if (typeof h.project_id === 'string' && typeof h.agent_name === 'string') return [memberSeenKey(h.project_id, h.agent_name)];
  return typeof h.session_id === 'string' ? [sessionSeenKey(h.session_id)] : [];
}

/** The later of ISO times, ignoring the missing ones. */
export function latestTime(...times: Array<string | null | undefined>): string {
  return times.reduce<string>((latest, t) => (t && t > latest ? t : latest), '');
}
