// The shape of one contract entry: a method declared once, from which validation, discovery, MCP tools and typed clients derive.
import type { z } from 'zod';

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
