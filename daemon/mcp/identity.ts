// Identity binding: an MCP session learns who its agent is once (status, join_project, create_project, start_session) and fills it in later calls.
import { BrainsError } from '../../rpc/errors.js';

/** Fields that name the acting agent; a call may leave them out once the session is bound. */
export const ACTOR_FIELDS = ['agent_name', 'from_agent', 'created_by', 'decided_by'] as const;
/** Methods whose working_directory says who you are (elsewhere it is a filter, left as given). */
const IDENTITY_DIRECTORY_METHODS = new Set(['session.start', 'session.status', 'project.join', 'project.create']);
/** Fields an MCP tool schema makes optional because the binding can fill them. */
export const BINDABLE_FIELDS = new Set<string>([...ACTOR_FIELDS, 'holder']);

const HOW_TO_BIND = 'call join_project (or status with your working_directory, or start_session) first, or pass it explicitly';

interface Membership {
  project_id: string;
  agent_name: string;
}

export class IdentityBinding {
  private readonly names = new Map<string, string>();
  private agent: string | undefined;
  private workingDirectory: string | undefined;
  private clientId: string | undefined;
  private sessionId: string | undefined;
  private lastProject: string | undefined;

  constructor(
    private readonly defaultWorkingDirectory?: string,
    preBound?: Membership,
  ) {
    if (preBound) this.bindMember(preBound.project_id, preBound.agent_name);
  }

  get bound(): boolean {
    return this.agent !== undefined;
  }

  /** The agent name to act as in a project (its own name there, else the last one bound). */
  agentFor(projectId?: unknown): string | undefined {
    return (typeof projectId === 'string' ? this.names.get(projectId) : undefined) ?? this.agent;
  }

  /** The name this session holds in a project, if it took one there. */
  nameIn(projectId: string): string | undefined {
    return this.names.get(projectId);
  }

  /** The brains session this MCP session started (start_session), if any. */
  get session(): string | undefined {
    return this.sessionId;
  }

  /** Hold the session to a name in a project it acted in for the first time (an HTTP key's first claim). */
  take(projectId: string, agentName: string): void {
    if (!this.names.has(projectId)) this.bindMember(projectId, agentName);
  }

  get directory(): string | undefined {
    return this.workingDirectory ?? this.defaultWorkingDirectory;
  }

  /** What the binding knows, for prompts and errors. */
  snapshot(): { agent_name: string | null; working_directory: string | null; session_id: string | null; projects: Membership[] } {
    return {
      agent_name: this.agent ?? null,
      working_directory: this.directory ?? null,
      session_id: this.sessionId ?? null,
      projects: [...this.names].map(([project_id, agent_name]) => ({ project_id, agent_name })),
    };
  }

  /**
   * Fill the identity fields a call left out. `required` lists the fields the method cannot go without; one still
   * missing after filling is an INVALID error telling the agent how to bind.
   */
  fill(method: string, args: Record<string, unknown>, fields: ReadonlySet<string>, required: ReadonlySet<string>): Record<string, unknown> {
    const out = { ...args };
    const agent = this.agentFor(out.project_id);
    for (const field of ACTOR_FIELDS) {
      if (!fields.has(field) || out[field] !== undefined || agent === undefined) continue;
      if (method === 'session.heartbeat' && out.session_id !== undefined) continue;
      if (method === 'project.create' && out.project_id !== undefined && this.names.has(String(out.project_id))) continue;
      out[field] = agent;
    }
    if (fields.has('working_directory') && out.working_directory === undefined && out.client_id === undefined && IDENTITY_DIRECTORY_METHODS.has(method)) {
      const useDirectory = method !== 'project.create' || out.agent_name !== undefined;
      if (useDirectory && this.clientId && !this.workingDirectory) out.client_id = this.clientId;
      else if (useDirectory && this.directory) out.working_directory = this.directory;
    }
    if (fields.has('holder') && out.holder === undefined && (required.has('holder') || (out.key !== undefined && out.lease_id === undefined))) {
      const holder = this.holder();
      if (holder) out.holder = holder;
    }
    if (fields.has('session_id') && out.session_id === undefined && this.sessionId && method === 'task.claim') out.session_id = this.sessionId;
    for (const field of required) {
      if (out[field] === undefined) {
        throw new BrainsError('INVALID', `${field} is missing and this MCP session is not bound to an agent yet: ${HOW_TO_BIND}`, { field });
      }
    }
    return out;
  }

  /** Learn who the agent is from a successful call that says so. */
  learn(method: string, params: Record<string, unknown>, result: unknown): void {
    const r = (result ?? {}) as Record<string, unknown>;
    switch (method) {
      case 'session.start':
      case 'session.status':
        this.learnWelcome(params, r);
        break;
      case 'project.join':
        this.bindMember(String(r.project_id ?? params.project_id), String(r.agent_name ?? params.agent_name));
        this.learnWho(params);
        break;
      case 'project.create':
        if (typeof params.agent_name === 'string') {
          this.bindMember(String(r.project_id), params.agent_name);
          this.learnWho(params);
        }
        break;
      case 'project.leave':
      case 'project.delete':
        if (typeof params.project_id === 'string') this.names.delete(params.project_id);
        break;
    }
  }

  private learnWelcome(params: Record<string, unknown>, r: Record<string, unknown>): void {
    if (typeof r.session_id === 'string') this.sessionId = r.session_id;
    if (typeof r.working_directory === 'string') this.workingDirectory = r.working_directory;
    else this.learnWho(params);
    if (typeof r.client_id === 'string' && typeof params.client_id === 'string') this.clientId = r.client_id;
    const projects = Array.isArray(r.projects) ? (r.projects as Membership[]) : [];
    for (const p of projects) this.bindMember(p.project_id, p.agent_name);
  }

  private learnWho(params: Record<string, unknown>): void {
    if (typeof params.working_directory === 'string') this.workingDirectory = params.working_directory;
    if (typeof params.client_id === 'string') this.clientId = params.client_id;
  }

  private bindMember(projectId: string, agentName: string): void {
    this.names.set(projectId, agentName);
    this.agent = agentName;
    this.lastProject = projectId;
  }

  private holder(): Record<string, string> | undefined {
    if (this.sessionId) return { session_id: this.sessionId };
    if (this.lastProject && this.agent) return { project_id: this.lastProject, agent_name: this.names.get(this.lastProject) ?? this.agent };
    return undefined;
  }
}
