// Unread counts: deliveries not yet delivered or not yet acknowledged (dead and expired ones do not count), per project
// and recipient, for message.unread_counts and for the welcome packet's unread_by_project.
import type { DeliveryRules, UnreadRow } from '../../store/messages.js';
import type { Membership } from '../shared/hooks.js';
import type { PlaneDeps } from '../shared/deps.js';
import { recipientsOf, requireMember, requireProject } from '../shared/guards.js';

export interface UnreadScope {
  project_id?: string | undefined;
  agent_name?: string | undefined;
  working_directory?: string | undefined;
  client_id?: string | undefined;
}

export class UnreadCounts {
  constructor(
    private readonly deps: PlaneDeps,
    private readonly rules: () => DeliveryRules,
  ) {}

  of(projectId: string, recipient: string): UnreadRow {
    const [row] = this.deps.store.messages.unread({ project_id: projectId, recipient }, this.rules());
    return row ?? { project_id: projectId, recipient, undelivered: 0, unacked: 0 };
  }

  /** What waits for an identity, per project, under the names it joined as. */
  byProject(memberships: readonly Membership[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const m of memberships) {
      const row = this.of(m.project_id, m.agent_name);
      counts[m.project_id] = (counts[m.project_id] ?? 0) + row.undelivered + row.unacked;
    }
    return counts;
  }

  answer(scope: UnreadScope) {
    return this.summarize(this.rows(scope));
  }

  /** Counts for exactly these (project, name) pairs: what an agent may see of its own mail. */
  answerFor(memberships: readonly Membership[]) {
    return this.summarize(memberships.map((m) => this.of(m.project_id, m.agent_name)));
  }

  private summarize(rows: UnreadRow[]) {
    const unread_by_project: Record<string, number> = {};
    const counts = rows.map((row) => {
      const unread = row.undelivered + row.unacked;
      unread_by_project[row.project_id] = (unread_by_project[row.project_id] ?? 0) + unread;
      return { project_id: row.project_id, agent_name: row.recipient, unread, undelivered: row.undelivered, unacked: row.unacked };
    });
    return { counts, unread_by_project, total_unread: counts.reduce((sum, c) => sum + c.unread, 0) };
  }

  /**
   * An identity: one row per membership (zeros included). A project: one row per member and the operator (zeros
   * included), or just the named agent. Otherwise: every recipient (optionally one name) with something waiting.
   */
  private rows(scope: UnreadScope): UnreadRow[] {
    const { store } = this.deps;
    if (scope.working_directory !== undefined || scope.client_id !== undefined) {
      // Every identity that worked there (a directory may have several agents), under the names each joined as.
      const identities = scope.client_id !== undefined ? [scope.client_id] : store.identities.everyIn(scope.working_directory!);
      return identities
        .flatMap((id) => store.projects.membershipsOfClient(id))
        .filter((m) => (scope.project_id === undefined || m.project_id === scope.project_id) && (scope.agent_name === undefined || m.agent_name === scope.agent_name))
        .map((m) => this.of(m.project_id, m.agent_name));
    }
    const projectId = scope.project_id;
    if (projectId !== undefined) {
      if (scope.agent_name !== undefined) {
        requireMember(store, projectId, scope.agent_name);
        return [this.of(projectId, scope.agent_name)];
      }
      requireProject(store, projectId);
      const found = new Map(store.messages.unread({ project_id: projectId }, this.rules()).map((row) => [row.recipient, row]));
      return recipientsOf(store, projectId).map((name) => found.get(name) ?? { project_id: projectId, recipient: name, undelivered: 0, unacked: 0 });
    }
    return store.messages.unread({ recipient: scope.agent_name }, this.rules());
  }
}
