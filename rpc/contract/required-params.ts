// Which top-level params a method cannot go without, read from its schema (the daemon's errors and `brains rpc --list`
// agree), and which of them the daemon fills in for the operator.
import { z } from 'zod';
import type { MethodDef } from './define.js';

/** The top-level params a method cannot go without, in contract order. */
export function requiredParams(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>)
    // A key may be left out when its schema says so (optional, defaulted); z.unknown() accepts undefined yet is required.
    .filter(([, field]) => (field as { _zod: { optin?: string } })._zod.optin === undefined)
    .map(([key]) => key);
}

/** The top-level params a method takes but can go without, in contract order. */
export function optionalParams(schema: z.ZodType): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const required = new Set(requiredParams(schema));
  return Object.keys(schema.shape as Record<string, z.ZodType>).filter((key) => !required.has(key));
}

const topLevel = (paths: readonly string[] | undefined) => (paths ?? []).filter((path) => !path.includes('.'));

/**
 * The required actor params (`from_agent`, `agent_name`) the daemon fills in for the operator when they are left out: it
 * acts as `operator` in the project the call names (daemon/principals/access.ts, fill). None for a method that takes a new
 * name (project.join) or names no project for sure. The schema keeps them required: that is what an agent is held to.
 */
export function filledForOperator(def: Pick<MethodDef, 'params' | 'actor' | 'project' | 'takesName'>): string[] {
  const required = requiredParams(def.params);
  const project = topLevel(def.project)[0];
  if (def.takesName || project === undefined || !required.includes(project)) return [];
  return topLevel(def.actor).filter((param) => required.includes(param));
}

/** What the operator must pass: the required params less the ones filled in for it. */
export function requiredOfOperator(def: Pick<MethodDef, 'params' | 'actor' | 'project' | 'takesName'>): string[] {
  const filled = new Set(filledForOperator(def));
  return requiredParams(def.params).filter((param) => !filled.has(param));
}
