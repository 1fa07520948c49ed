// The shape of one contract entry: a method declared once, from which validation, discovery, MCP tools and typed clients derive.
import type { z } from 'zod';

/** Who can call: the operator (an unbound socket, the admin key), an agent instance, a per-agent token, a wired tool's key. */
export type CallerKind = 'operator' | 'instance' | 'token' | 'client';
export const OPERATOR_ONLY: readonly CallerKind[] = ['operator'];

export interface MethodDef<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** One line for `brains rpc --list`. */
  summary: string;
  /** Longer guidance (when to use it, what to do next) for `--describe` and MCP tool descriptions. */
  description?: string;
  params: P;
  result: R;
  /** Event types this method can append to the event log. */
  emits: readonly string[];
  /** Tool name when the method is offered to agents over MCP. */
  mcpTool?: string;
  /** True when the call changes state: it runs in one transaction and leaves an audit row. */
  mutates?: boolean;
  /** Which callers may call it (default: all). `OPERATOR_ONLY` for the human's own decisions. */
  allow?: readonly CallerKind[];
  /**
   * Params naming the agent the call acts as (`holder.agent_name` reaches into an object). The daemon fills one left out:
   * `operator` for the operator, the agent's own name in that project for an agent; and checks that an agent names only itself.
   */
  actor?: readonly string[];
  /** Params naming the project the call acts in: a token may name only its own. */
  project?: readonly string[];
  /** Params naming a session: an agent may name only its own. */
  session?: readonly string[];
  /** The actor param takes a name (join, create) rather than acting as one already held. */
  takesName?: boolean;
  /**
   * An agent instance that names no session here means itself: `always` (its claim ends with it), or `unless-project`
   * (naming no project it acts as its one name, or as the instance itself when it holds none or several).
   */
  ownSession?: 'always' | 'unless-project';
}

export interface NotificationDef<P extends z.ZodType = z.ZodType> {
  summary: string;
  params: P;
}

/** Identity helper that keeps each entry's literal name and exact schema types. */
export function defineMethods<const T extends Record<string, MethodDef>>(defs: T): T {
  return defs;
}

export function defineNotifications<const T extends Record<string, NotificationDef>>(defs: T): T {
  return defs;
}

/** Where an event is delivered: kept in the log (replayable by seq), or live only (high-rate streams that must not push real events out of retention). */
export type EventDelivery = 'log' | 'live';

export interface EventDef<D extends z.ZodType = z.ZodType> {
  /** One line for `brains rpc --events`. */
  summary: string;
  /** The shape of the event's `data`. */
  data: D;
  delivery: EventDelivery;
  /** What `subject` holds (a project_id, a session_id, a lock key...), for readers. */
  subject: string;
  /** The project an event belongs to, so a principal confined to one project sees only its own; null for none. */
  project(event: { subject: string | null; data: z.output<D> }): string | null;
}

export function defineEvents<const T extends Record<string, EventDef>>(defs: T): T {
  return defs;
}
