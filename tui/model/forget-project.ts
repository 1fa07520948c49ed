// What the cockpit drops the moment a project is deleted, before the daemon is read again: nothing of a deleted project
// may linger in a pane or a header count, or be there to act on (nor come back with a read that began before it went).
import type { CockpitState } from './cockpit.js';

type Slices = Pick<CockpitState, 'projects' | 'unread' | 'approvals' | 'inbox' | 'tasks' | 'locks' | 'agents' | 'schedules'>;

/** The slices in `patch` without the rows of these projects (their agents, managed ones too, mail, approvals, locks, tasks, unread counts). */
export function withoutProjects<P extends Partial<CockpitState>>(patch: P, projectIds: readonly string[]): P {
  if (projectIds.length === 0) return patch;
  const gone = new Set(projectIds);
  const kept: Partial<Slices> = {};
  if (patch.projects) kept.projects = patch.projects.filter((p) => !gone.has(p.project_id));
  if (patch.unread) kept.unread = new Map([...patch.unread].filter(([key]) => !gone.has(key.slice(0, key.indexOf('/')))));
  if (patch.approvals) kept.approvals = patch.approvals.filter((a) => !gone.has(a.project_id));
  if (patch.inbox) kept.inbox = patch.inbox.filter((m) => !gone.has(m.project_id));
  if (patch.tasks) kept.tasks = patch.tasks.filter((t) => !gone.has(t.project_id));
  if (patch.schedules) kept.schedules = patch.schedules.filter((s) => !gone.has(s.project_id));
  if (patch.agents) kept.agents = patch.agents.filter((a) => !gone.has(a.project_id));
  if (patch.locks) {
    kept.locks = patch.locks
      .map((lock) => ({ ...lock, holders: lock.holders.filter((h) => !('project_id' in h.holder) || !gone.has(h.holder.project_id)) }))
      .filter((lock) => lock.holders.length > 0);
  }
  return { ...patch, ...kept };
}

/** Every slice of the state without one project's rows. */
export function forgetProject(state: CockpitState, projectId: string): Slices {
  const { projects, unread, approvals, inbox, tasks, locks, agents, schedules } = state;
  return withoutProjects({ projects, unread, approvals, inbox, tasks, locks, agents, schedules }, [projectId]);
}
