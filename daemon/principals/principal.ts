// Who is calling: the operator, an agent instance, a token for one agent of one project, or a wired tool's key; decided by the daemon, never by params.
import type { CallerKind } from '../../rpc/contract/define.js';

export type PrincipalKind = CallerKind;

/** The human's own trust: an unbound socket client, or the MCP HTTP admin key. */
export interface OperatorPrincipal {
  kind: 'operator';
  /**
   * An MCP session opened with the admin key remembers the names it joined as (project_id -> name), so its later
   * calls act as that agent when they leave the name out; everywhere else the operator acts as `operator`.
   */
  names?: Map<string, string>;
}

/** One running agent (a `brains mcp` process, a hook-registered tool session): held to the names its identity holds. */
export interface InstancePrincipal {
  kind: 'instance';
  session_id: string;
}

/** One agent of one project (mcp.token; a managed agent's credential): acts only as itself, sees only its project. */
export interface TokenPrincipal {
  kind: 'token';
  project_id: string;
  agent_name: string;
  token_hash: string;
  /** Sessions this binding started (start_session), which it may name. */
  sessions: Set<string>;
}

/** A key `brains wire` gave an agent tool: any agent, the first name it takes per project, never the operator. */
export interface ClientPrincipal {
  kind: 'client';
  client: string;
  /** project_id -> the name this binding took there. */
  names: Map<string, string>;
  sessions: Set<string>;
}

export type Principal = OperatorPrincipal | InstancePrincipal | TokenPrincipal | ClientPrincipal;

export const OPERATOR_PRINCIPAL: OperatorPrincipal = Object.freeze({ kind: 'operator' });

export function tokenPrincipal(row: { project_id: string; agent_name: string; token_hash: string }): TokenPrincipal {
  return { kind: 'token', project_id: row.project_id, agent_name: row.agent_name, token_hash: row.token_hash, sessions: new Set() };
}

/** The operator as an MCP session with the admin key sees it: with a memory of the names it took. */
export function adminSessionPrincipal(): OperatorPrincipal {
  return { kind: 'operator', names: new Map() };
}

export function clientPrincipal(client: string): ClientPrincipal {
  return { kind: 'client', client, names: new Map(), sessions: new Set() };
}

/** How the audit trail and error messages name a principal. */
export function principalLabel(p: Principal): string {
  switch (p.kind) {
    case 'operator':
      return 'operator';
    case 'instance':
      return `instance:${p.session_id}`;
    case 'token':
      return `token:${p.project_id}/${p.agent_name}`;
    case 'client':
      return `client:${p.client}`;
  }
}
