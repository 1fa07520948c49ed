// Whether a member is online, the one way every plane says it: an active session holds its name, or it was seen lately.
import type { MemberRow } from '../../store/projects.js';
import type { PlaneDeps } from './deps.js';

export function memberOnline(deps: PlaneDeps, member: Pick<MemberRow, 'client_id' | 'last_seen'>): boolean {
  if (member.client_id && deps.store.sessions.liveForClient(member.client_id).some((s) => s.state === 'active')) return true;
  return Date.now() - Date.parse(member.last_seen) < deps.settings.get('session_idle_seconds') * 1000;
}
