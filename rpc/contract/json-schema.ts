// Turns the contract into JSON Schema so any client (and later the MCP tool list) can discover it.
import { z } from 'zod';
import { contract, notifications, isMethodName } from './index.js';
import type { MethodDef } from './define.js';
import { catalogueEntries } from './catalogue.js';

export interface MethodDescription {
  name: string;
  summary: string;
  description?: string;
  params_schema: Record<string, unknown>;
  result_schema: Record<string, unknown>;
  emits: string[];
  mcp_tool?: string;
}

export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

export function describeMethod(name: string): MethodDescription | null {
  if (!isMethodName(name)) return null;
  const def: MethodDef = contract[name];
  const out: MethodDescription = {
    name,
    summary: def.summary,
    params_schema: toJsonSchema(def.params, 'input'),
    result_schema: toJsonSchema(def.result, 'output'),
    emits: [...def.emits],
  };
  if (def.description) out.description = def.description;
  if (def.mcpTool) out.mcp_tool = def.mcpTool;
  return out;
}

export interface EventDescription {
  type: string;
  summary: string;
  subject: string;
  delivery: 'log' | 'live';
  data_schema: Record<string, unknown>;
}

/** The event catalogue as JSON Schema: every type a subscriber can receive, with the shape of its data. */
export function describeEvents(): EventDescription[] {
  return catalogueEntries().map(([type, def]) => ({ type, summary: def.summary, subject: def.subject, delivery: def.delivery, data_schema: toJsonSchema(def.data, 'output') }));
}

export function describeContract() {
  return {
    methods: Object.keys(contract)
      .sort()
      .map((name) => describeMethod(name) as MethodDescription),
    notifications: Object.entries(notifications).map(([name, def]) => ({
      name,
      summary: def.summary,
      params_schema: toJsonSchema(def.params, 'output'),
    })),
    events: describeEvents(),
  };
}
