// What a schedule does, checked once when it is made or changed: one of a turn, a task or a message, with the project it
// belongs to and what its owner may do (an agent's schedule may run only its own turns).
import { MAX_TURN_TEXT_BYTES } from '../../../rpc/contract/agents.js';
import { OPERATOR } from '../../../rpc/contract/common.js';
import { MAX_MESSAGE_BYTES } from '../../../rpc/contract/messages.js';
import { MAX_BODY_TEMPLATE_BYTES, MAX_TITLE_TEMPLATE_CHARS, type ScheduleAction } from '../../../rpc/contract/schedules.js';
import type { TASK_PRIORITIES } from '../../../rpc/contract/tasks.js';
import { BrainsError } from '../../../rpc/errors.js';
import { encodeBoundedJson } from '../../store/json-limits.js';
import type { Store } from '../../store/index.js';
import { requireProject } from '../shared/guards.js';
import { requireAgent } from '../agents/records.js';

export type StoredAction =
  | { kind: 'turn'; agent_name: string; prompt: string; session: 'conversation' | 'isolated' }
  | { kind: 'task'; title_template: string; body?: string; priority?: (typeof TASK_PRIORITIES)[number]; labels?: string[] }
  | { kind: 'message'; to_agent?: string; broadcast?: boolean; payload: unknown };

const invalid = (field: string, message: string) => new BrainsError('INVALID', `${field}: ${message}`, { field });
const tooBig = (field: string, size: number, limit: number, unit: string) =>
  new BrainsError('LIMIT_EXCEEDED', `${field} is ${size} ${unit}, over the ${limit}-${unit.replace(/s$/, '')} limit; shorten it`, { field, size, limit });

function kindOf(action: ScheduleAction): 'turn' | 'task' | 'message' {
  const kinds = [action.agent_name !== undefined || action.prompt !== undefined || action.session !== undefined ? 'turn' : null, action.task ? 'task' : null, action.message ? 'message' : null].filter(
    (k): k is 'turn' | 'task' | 'message' => k !== null,
  );
  if (kinds.length === 1) return kinds[0]!;
  throw invalid(
    'action',
    kinds.length === 0
      ? 'say what to do: {"agent_name": "a", "prompt": "..."} (a turn), {"task": {"title_template": "Daily audit {date}"}} or {"message": {"to_agent": "a", "payload": "..."}}'
      : `give one of a turn (agent_name + prompt), task or message, not ${kinds.join(' and ')}`,
  );
}

export interface CheckedAction {
  action: StoredAction;
  /** The project the schedule belongs to: its task's or message's, or its agent's. */
  projectId: string;
}

/** Check an action for its owner (`operator` or an agent in projectId); throws naming the field at fault. */
export function checkAction(store: Store, action: ScheduleAction, owner: string, projectId: string | undefined): CheckedAction {
  const kind = kindOf(action);
  if (kind === 'turn') {
    if (action.agent_name === undefined) throw invalid('action.agent_name', 'a turn needs the managed agent to run it');
    if (action.prompt === undefined) throw invalid('action.prompt', `a turn needs the prompt ${action.agent_name} is told`);
    const bytes = Buffer.byteLength(action.prompt);
    if (bytes > MAX_TURN_TEXT_BYTES) throw tooBig('action.prompt', bytes, MAX_TURN_TEXT_BYTES, 'bytes');
    const agent = requireAgent(store, action.agent_name);
    if (owner !== OPERATOR && action.agent_name !== owner) {
      throw new BrainsError('PERMISSION_DENIED', `an agent's schedule may run only its own turns: ${owner} cannot schedule ${action.agent_name}'s (ask the operator to)`, { field: 'action.agent_name', agent_name: action.agent_name });
    }
    if (projectId !== undefined && projectId !== agent.project_id) {
      throw new BrainsError(owner === OPERATOR ? 'INVALID' : 'PERMISSION_DENIED', `project_id: ${action.agent_name} is in project ${agent.project_id}, not ${projectId}; a turn's schedule belongs to its agent's project (leave project_id out)`, { field: 'project_id' });
    }
    return { action: { kind, agent_name: action.agent_name, prompt: action.prompt, session: action.session ?? 'conversation' }, projectId: agent.project_id };
  }
  if (projectId === undefined) throw invalid('project_id', `a ${kind} goes to a project: pass project_id`);
  requireProject(store, projectId);
  if (kind === 'task') {
    const task = action.task!;
    if (task.title_template.length > MAX_TITLE_TEMPLATE_CHARS) throw tooBig('action.task.title_template', task.title_template.length, MAX_TITLE_TEMPLATE_CHARS, 'characters');
    const bodyBytes = task.body === undefined ? 0 : Buffer.byteLength(task.body);
    if (bodyBytes > MAX_BODY_TEMPLATE_BYTES) throw tooBig('action.task.body', bodyBytes, MAX_BODY_TEMPLATE_BYTES, 'bytes');
    return { action: { kind, ...task }, projectId };
  }
  const message = action.message!;
  if ((message.to_agent === undefined) === (message.broadcast !== true)) {
    throw invalid('action.message', message.to_agent === undefined ? 'say who gets it: to_agent, or broadcast: true' : 'give to_agent or broadcast: true, not both');
  }
  if (message.to_agent !== undefined && message.to_agent === owner) throw invalid('action.message.to_agent', `${owner} is who the schedule runs as, the sender; address another member, or broadcast: true`);
  if (message.to_agent !== undefined && message.to_agent !== OPERATOR && !store.projects.member(projectId, message.to_agent)) {
    const members = store.projects.memberNames(projectId);
    throw new BrainsError('NOT_FOUND', `action.message.to_agent: ${message.to_agent} is not a member of ${projectId} (members: ${members.join(', ') || 'none'})`, { field: 'action.message.to_agent' });
  }
  encodeBoundedJson(message.payload, 'action.message.payload', MAX_MESSAGE_BYTES);
  return { action: { kind, ...message }, projectId };
}

export interface TemplateFacts {
  dueMs: number;
  n: number;
  tz: string | undefined;
}

/** {date}, {time} and {n} filled in: the due time's date and time in the schedule's zone (the daemon's without one). */
export function expandTemplate(text: string, facts: TemplateFacts): string {
  const format = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-CA', { ...(facts.tz ? { timeZone: facts.tz } : {}), ...options }).format(new Date(facts.dueMs));
  const date = format({ year: 'numeric', month: '2-digit', day: '2-digit' });
  const time = format({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return text.replaceAll('{date}', date).replaceAll('{time}', time).replaceAll('{n}', String(facts.n));
}
