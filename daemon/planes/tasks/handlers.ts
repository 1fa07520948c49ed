// The tasks plane: a project's work queue; each task is claimed by exactly one agent and returns to the queue when its holder goes.
import { OPERATOR } from '../../../rpc/contract/common.js';
import {
  FINAL_TASK_STATUSES,
  MAX_TASK_BODY_BYTES,
  MAX_TASK_NOTE_BYTES,
  MAX_TASK_NOTES,
  tasksMethods,
  type TaskRecord,
  type TaskSummary,
} from '../../../rpc/contract/tasks.js';
import { BrainsError } from '../../../rpc/errors.js';
import { waitUntil } from '../../events/wait.js';
import type { Emit } from '../../events/mutate.js';
import type { MemberRow } from '../../store/projects.js';
import type { TaskRow, TaskStatus } from '../../store/tasks.js';
import type { HandlersFor } from '../shared/call.js';
import type { PlaneDeps } from '../shared/deps.js';
import { requireMember, requireOpenProject, requireProject } from '../shared/guards.js';
import { handoffOf, releaseTask, taskIdOf, taskNoOf } from './queue.js';

const CLAIM_WAKE_TYPES = ['task.created', 'task.released', 'project.left', 'project.archived', 'project.deleted'];

const isFinal = (status: TaskStatus): boolean => (FINAL_TASK_STATUSES as readonly string[]).includes(status);

function summaryOf(row: TaskRow, noteCount: number, handoff: TaskSummary['handoff']): TaskSummary {
  return {
    task_id: taskIdOf(row.task_no),
    project_id: row.project_id,
    title: row.title,
    priority: row.priority,
    labels: JSON.parse(row.labels) as string[],
    status: row.status,
    created_by: row.created_by,
    created_at: row.created_at,
    updated_at: row.updated_at,
    claimed_by: row.claimed_by,
    claimed_session: row.claimed_session,
    claimed_at: row.claimed_at,
    note_count: noteCount,
    handoff,
  };
}

function checkBytes(text: string, what: string, max: number): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > max) throw new BrainsError('LIMIT_EXCEEDED', `${what} is ${bytes} bytes, over the ${max}-byte limit; shorten it or store it as a resource`, { limit: max, size: bytes });
}

function describeHolder(row: TaskRow): string {
  if (row.status === 'claimed') return `it is claimed by ${row.claimed_by} since ${row.claimed_at}`;
  return `it is ${row.status}`;
}

export function tasksHandlers(deps: PlaneDeps): HandlersFor<typeof tasksMethods> {
  const { store } = deps;

  const recordOf = (row: TaskRow): TaskRecord => {
    const { note_count: _count, ...summary } = summaryOf(row, 0, handoffOf(store, row.task_no));
    return { ...summary, body: row.body, notes: store.tasks.notes(row.task_no) };
  };

  const reread = (row: TaskRow): TaskRow => store.tasks.get(row.project_id, row.task_no)!;

  const requireTask = (projectId: string, taskId: string): TaskRow => {
    const row = store.tasks.get(projectId, taskNoOf(taskId));
    if (!row) throw new BrainsError('NOT_FOUND', `no task ${taskId} in project ${projectId}; see the queue with task.list`, { project_id: projectId, task_id: taskId });
    return row;
  };

  /** The operator and the project's coordinator may act on any task. */
  const isOverseer = (agentName: string, member: MemberRow | null): boolean => agentName === OPERATOR || member?.role === 'coordinator';

  const coordinatorName = (projectId: string): string => store.projects.coordinator(projectId)?.agent_name ?? 'none';

  const release = (emit: Emit, row: TaskRow, releasedBy: string | null, reason: string): void => releaseTask(store, emit, row, releasedBy, reason);

  const requireMayRelease = (row: TaskRow, agentName: string, member: MemberRow | null): void => {
    if (agentName === row.claimed_by || isOverseer(agentName, member)) return;
    throw new BrainsError(
      'PERMISSION_DENIED',
      `${taskIdOf(row.task_no)} is held by ${row.claimed_by}; only it, the coordinator (${coordinatorName(row.project_id)}) or the operator may release it`,
    );
  };

  /** The session a claim is tied to must be live and belong to the claiming agent's identity. */
  const checkClaimSession = (sessionId: string, agentName: string, member: MemberRow | null): void => {
    if (!member) throw new BrainsError('INVALID', `${OPERATOR} has no sessions; claim without session_id`);
    const session = store.sessions.get(sessionId);
    if (!session) throw new BrainsError('NOT_FOUND', `no session ${sessionId}; start one with session.start, or claim without session_id`);
    if (session.state === 'gone') throw new BrainsError('CONFLICT', `session ${sessionId} has ended; start a new one with session.start`);
    if (member.client_id === null) {
      throw new BrainsError('PERMISSION_DENIED', `${agentName} joined without an identity, so no session is its own; rejoin with working_directory or client_id, or claim without session_id`);
    }
    if (session.client_id !== member.client_id) {
      throw new BrainsError('PERMISSION_DENIED', `session ${sessionId} belongs to another identity than ${agentName}; pass your own session_id`);
    }
  };

  const finalStatusChange = (emit: Emit, row: TaskRow, status: 'done' | 'failed' | 'cancelled', agentName: string, member: MemberRow | null, now: string): void => {
    const id = taskIdOf(row.task_no);
    if (status === 'cancelled') {
      if (agentName !== row.created_by && !isOverseer(agentName, member)) {
        throw new BrainsError('PERMISSION_DENIED', `only the creator of ${id} (${row.created_by}), the coordinator (${coordinatorName(row.project_id)}) or the operator may cancel it`);
      }
    } else {
      if (row.status !== 'claimed') throw new BrainsError('CONFLICT', `${id} is ${row.status}; claim it with task.claim before marking it ${status}`);
      if (agentName !== row.claimed_by && !isOverseer(agentName, member)) {
        throw new BrainsError('PERMISSION_DENIED', `${id} is claimed by ${row.claimed_by}; only it, the coordinator (${coordinatorName(row.project_id)}) or the operator may mark it ${status}`);
      }
    }
    store.tasks.finish(row.task_no, status, now);
    emit('task.updated', row.project_id, { task_id: id, agent_name: agentName, status, previous_status: row.status, claimed_by: row.claimed_by });
  };

  deps.hooks.sessionGone.push((emit, session, memberships, clientStillLive) => {
    for (const row of store.tasks.claimedBySession(session.session_id)) {
      release(emit, row, null, `session ${session.session_id} ended (${session.end_reason ?? 'gone'})`);
    }
    if (clientStillLive) return;
    for (const m of memberships) {
      for (const row of store.tasks.claimedByAgent(m.project_id, m.agent_name, true)) release(emit, row, null, `${m.agent_name} has no live session left`);
    }
  });

  deps.hooks.memberLeft.push((emit, member) => {
    for (const row of store.tasks.claimedByAgent(member.project_id, member.agent_name)) release(emit, row, null, `${member.agent_name} left the project`);
  });

  deps.hooks.welcome.push(({ memberships }) => ({
    tasks: memberships.flatMap((m) => store.tasks.claimedByAgent(m.project_id, m.agent_name).map((row) => summaryOf(row, store.tasks.noteCount(row.task_no), handoffOf(store, row.task_no)))),
  }));

  return {
    'task.create': (params) => {
      const createdBy = params.created_by ?? OPERATOR;
      if (params.body !== undefined) checkBytes(params.body, 'the task body', MAX_TASK_BODY_BYTES);
      const labels = [...new Set(params.labels ?? [])];
      return deps.mutate((emit) => {
        requireOpenProject(store, params.project_id);
        requireMember(store, params.project_id, createdBy);
        const now = new Date().toISOString();
        const taskNo = store.tasks.insert({
          project_id: params.project_id,
          title: params.title,
          body: params.body ?? null,
          priority: params.priority,
          labels: JSON.stringify(labels),
          status: 'open',
          created_by: createdBy,
          created_at: now,
          updated_at: now,
          claimed_by: null,
          claimed_session: null,
          claimed_at: null,
        });
        emit('task.created', params.project_id, { task_id: taskIdOf(taskNo), title: params.title, priority: params.priority, labels, created_by: createdBy });
        return recordOf(store.tasks.get(params.project_id, taskNo)!);
      });
    },

    'task.claim': async (params, ctx) => {
      const { project_id, agent_name, session_id, task_id, labels } = params;
      if (task_id !== undefined && labels !== undefined) throw new BrainsError('INVALID', 'pass task_id to claim that task, or labels to claim the next matching one, not both');
      const wantedLabels = JSON.stringify(labels ?? []);
      const attempt = (): TaskRecord | null =>
        ctx.within(() => deps.mutate((emit) => {
          requireOpenProject(store, project_id);
          const member = requireMember(store, project_id, agent_name);
          if (session_id !== undefined) checkClaimSession(session_id, agent_name, member);
          const row = task_id !== undefined ? requireTask(project_id, task_id) : store.tasks.nextOpen(project_id, wantedLabels);
          if (!row) return null;
          if (row.status !== 'open') {
            throw new BrainsError('CONFLICT', `${task_id} cannot be claimed: ${describeHolder(row)}`, { task_id, status: row.status, claimed_by: row.claimed_by });
          }
          store.tasks.claim(row.task_no, agent_name, session_id ?? null, new Date().toISOString());
          emit('task.claimed', project_id, { task_id: taskIdOf(row.task_no), agent_name, session_id: session_id ?? null, priority: row.priority });
          return recordOf(reread(row));
        }));
      if (!params.wait) return { task: attempt(), waited_ms: 0, timed_out: false };
      const outcome = await waitUntil(
        deps.bus,
        { types: CLAIM_WAKE_TYPES, relevant: (e) => e.subject === project_id, timeoutMs: params.timeout_seconds * 1000, signal: ctx.signal },
        attempt,
      );
      return { task: outcome.value, waited_ms: outcome.waited_ms, timed_out: outcome.timed_out };
    },

    'task.update': ({ project_id, task_id, agent_name, status, note }) => {
      if (status === undefined && note === undefined) throw new BrainsError('INVALID', 'pass a status, a note, or both');
      if (status === 'claimed') throw new BrainsError('INVALID', 'to take a task use task.claim');
      if (note !== undefined) checkBytes(note, 'the note', MAX_TASK_NOTE_BYTES);
      return deps.mutate((emit) => {
        requireOpenProject(store, project_id);
        const member = requireMember(store, project_id, agent_name);
        const row = requireTask(project_id, task_id);
        const now = new Date().toISOString();
        if (note !== undefined && store.tasks.noteCount(row.task_no) >= MAX_TASK_NOTES) {
          throw new BrainsError('LIMIT_EXCEEDED', `${task_id} already has ${MAX_TASK_NOTES} notes; put further detail in a resource`, { limit: MAX_TASK_NOTES });
        }
        if (status !== undefined) {
          if (isFinal(row.status)) throw new BrainsError('CONFLICT', `${task_id} is ${row.status}, which is final; create a new task instead`, { status: row.status });
          if (status === row.status) throw new BrainsError('CONFLICT', `${task_id} is already ${status}`, { status: row.status });
          if (status === 'open') {
            requireMayRelease(row, agent_name, member);
            release(emit, row, agent_name, `released by ${agent_name}`);
          } else {
            finalStatusChange(emit, row, status, agent_name, member, now);
          }
        }
        if (note !== undefined) {
          store.tasks.addNote(row.task_no, { author: agent_name, time: now, text: note });
          if (status === undefined) {
            store.tasks.touch(row.task_no, now);
            emit('task.updated', project_id, { task_id, agent_name, status: row.status, previous_status: row.status, note_added: true });
          }
        }
        return recordOf(reread(row));
      });
    },

    'task.release': ({ project_id, task_id, agent_name }) =>
      deps.mutate((emit) => {
        requireOpenProject(store, project_id);
        const member = requireMember(store, project_id, agent_name);
        const row = requireTask(project_id, task_id);
        if (row.status !== 'claimed') throw new BrainsError('CONFLICT', `${task_id} is ${row.status}; only a claimed task can be released`, { status: row.status });
        requireMayRelease(row, agent_name, member);
        release(emit, row, agent_name, `released by ${agent_name}`);
        return recordOf(reread(row));
      }),

    'task.get': ({ project_id, task_id }) => {
      requireProject(store, project_id);
      return recordOf(requireTask(project_id, task_id));
    },

    'task.list': ({ project_id, status, claimed_by, labels, priority, offset, limit }) => {
      requireProject(store, project_id);
      const filter = { project_id, status, claimed_by, priority, labels: labels && labels.length > 0 ? JSON.stringify(labels) : undefined };
      const { rows, total } = store.tasks.list(filter, offset, limit);
      return { tasks: rows.map((row) => summaryOf(row, row.note_count, handoffOf(store, row.task_no))), total, offset, limit };
    },
  };
}
