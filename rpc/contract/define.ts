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
