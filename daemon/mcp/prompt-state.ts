// The live state prompts inject: projects, members with their online state, unread messages, resources, all read without side effects.
import { RpcCallError } from '../../rpc/errors.js';
import type { DaemonCall } from './caller.js';
import { withToolNameHints } from './results.js';

export interface Member {
  agent_name: string;
  role: string;
  online: boolean;
  last_seen: string;
  capabilities: string[];
}
export interface ProjectInfo {
  project: { project_id: string; name: string; description: string | null; context: Record<string, unknown>; archived: boolean; archived_at: string | null; archive_reason: string | null; created_by: string };
  members: Member[];
  coordinator: string | null;
}
export interface ListedProject {
  project_id: string;
  name: string;
  description: string | null;
  archived: boolean;
  member_count: number;
}
interface HistoryMessage {
  message_id: string;
  from_agent: string;
  to_agent: string | null;
  broadcast: boolean;
  reply_expected: boolean;
  payload: unknown;
  created_at: string;
  deliveries: Array<{ recipient: string; state: string }>;
}
interface Manifest {
  resource_id: string;
  name: string;
  description: string | null;
  creator_agent: string;
  version: number;
}

type StatusView = { identity_reminder: string[]; projects: Array<{ project_id: string; agent_name: string; role: string; unread_messages: number; archived: boolean }>; total_unread_messages: number };

export class PromptState {
  constructor(
    private readonly call: DaemonCall,
    private readonly signal: AbortSignal,
  ) {}

  private get<T>(method: string, params: Record<string, unknown>): Promise<T> {
    return this.call(method, params, { signal: this.signal, waits: false }) as Promise<T>;
  }

  async projects(includeArchived = false): Promise<ListedProject[]> {
    return (await this.get<{ projects: ListedProject[] }>('project.list', { limit: 1000, include_archived: includeArchived })).projects;
  }

  /** The project, or null when it does not exist. */
  async project(projectId: string): Promise<ProjectInfo | null> {
    try {
      return await this.get<ProjectInfo>('project.info', { project_id: projectId });
    } catch (error) {
      if (error instanceof RpcCallError && error.appCode === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** Messages to `agent` not yet acknowledged, newest first. */
  async unread(projectId: string, agent: string, max: number): Promise<HistoryMessage[]> {
    const { messages } = await this.get<{ messages: HistoryMessage[] }>('message.list', { project_id: projectId, member: agent, include_dead_and_expired: false, limit: 100 });
    return messages.filter((m) => m.deliveries.some((d) => d.recipient === agent && (d.state === 'pending' || d.state === 'delivered'))).slice(0, max);
  }

  async recent(projectId: string, max: number): Promise<HistoryMessage[]> {
    return (await this.get<{ messages: HistoryMessage[] }>('message.list', { project_id: projectId, limit: max })).messages;
  }

  async resources(projectId: string, agent: string): Promise<Manifest[]> {
    return (await this.get<{ resources: Manifest[] }>('resource.list', { project_id: projectId, agent_name: agent, limit: 100 })).resources;
  }

  /** Who this MCP session is: the names it holds, and its working directory. */
  async whoami(): Promise<{ names: Array<{ project_id: string; agent_name: string }>; working_directory: string | null }> {
    return this.get('session.whoami', {});
  }

  async status(who: Record<string, unknown>): Promise<StatusView> {
    return withToolNameHints(await this.get<StatusView>('session.status', who)) as StatusView;
  }
}

export function memberLine(m: Member): string {
  const caps = m.capabilities.length ? ` [${m.capabilities.join(', ')}]` : '';
  return `- ${m.agent_name} (${m.role}) ${m.online ? 'online' : 'offline'}, last seen ${m.last_seen}${caps}`;
}

export function messageLine(m: HistoryMessage): string {
  const to = m.broadcast ? 'everyone' : (m.to_agent ?? '?');
  const text = JSON.stringify(m.payload) ?? 'null';
  const preview = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `- ${m.created_at} ${m.from_agent} -> ${to}${m.reply_expected ? ' (reply expected)' : ''} [${m.message_id}]: ${preview}`;
}

export function projectLine(p: ListedProject): string {
  return `- ${p.project_id}: ${p.name}${p.archived ? ' (archived)' : ''}, ${p.member_count} member(s)${p.description ? ` — ${p.description}` : ''}`;
}
