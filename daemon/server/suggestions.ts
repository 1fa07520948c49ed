// Wrong method and param names answered with the nearest valid one, and bad params in one short sentence, so a caller
// learns what to send instead without reading a dump of every validator issue.
import { z } from 'zod';
import { JSONRPCErrorException } from 'json-rpc-2.0';
import { RpcCodes } from '../../rpc/errors.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { escapeInvisible } from '../../rpc/visible-text.js';
import { requiredParams } from '../../rpc/contract/required-params.js';
import { errorResponse, type ErrorResponse } from './requests.js';

/** Longer names are not typos of ours; skipping them keeps a hostile name from costing an edit-distance table. */
const LONGEST_GUESSABLE = 80;
const SHOWN_KEYS = 3;
/** Issues named in the message itself; data.issues carries up to MAX_ISSUES. */
const ISSUES_IN_MESSAGE = 3;
export const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 200;

export interface ParamIssue {
  path: string[];
  code: string;
  message: string;
}

/** A name the caller sent, as an error may quote it: cut short, quoted when it holds anything but name characters. */
export function quoteName(name: string, max = 60): string {
  const cut = name.length > max ? `${name.slice(0, max)}…` : name;
  return /^[A-Za-z0-9_.-]+$/.test(name) ? cut : JSON.stringify(cut);
}

/** The spec's -32601, its message naming the method and the one most likely meant. */
export function methodNotFound(method: string, names: readonly string[], id: string | number | null): ErrorResponse {
  const nearest = method.length <= LONGEST_GUESSABLE ? nearestName(method, names) : undefined;
  const hint = `${nearest ? `did you mean ${nearest}? ` : ''}call system.methods for the list`;
  const message = `no method ${quoteName(method)}; ${nearest ? `did you mean ${nearest}? brains rpc --list` : 'brains rpc --list shows them all'}`;
  return errorResponse(RpcCodes.METHOD_NOT_FOUND, message, id, { code: 'NOT_FOUND', hint });
}

/**
 * -32602 for params the contract refuses: what is missing, the first few other issues, and a Required: line. `filled`:
 * params the daemon fills in for this caller (the operator's from_agent once the project is named), neither missing nor
 * required of it.
 */
export function invalidParams(name: string, schema: z.ZodType, issues: readonly z.core.$ZodIssue[], params: unknown, filled: readonly string[] = []): JSONRPCErrorException {
  const filledIn = (issue: z.core.$ZodIssue) => issue.path.length === 1 && filled.includes(String(issue.path[0]));
  issues = issues.filter((issue) => !(filledIn(issue) && isMissing(issue, params)));
  const missingIssues = issues.filter((issue) => isMissing(issue, params));
  const missing = missingIssues.map((issue) => issue.path.map(String).join('.'));
  // A missing choice says its choices: "missing by (one of key, agent, model)".
  const named = missingIssues.map((issue, i) => (issue.code === 'invalid_value' ? `${missing[i]} (one of ${issue.values.map(String).join(', ')})` : missing[i]!));
  const others = issues.filter((issue) => !isMissing(issue, params));
  const shown = others.slice(0, MAX_ISSUES).map((issue) => paramIssue(issue, schema, params, name));
  const parts = [
    ...(named.length > 0 ? [`missing ${named.slice(0, 10).join(', ')}${named.length > 10 ? ` and ${named.length - 10} more` : ''}`] : []),
    ...shown.slice(0, ISSUES_IN_MESSAGE).map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)),
  ];
  if (others.length > ISSUES_IN_MESSAGE) parts.push(`and ${others.length - ISSUES_IN_MESSAGE} more issue${others.length - ISSUES_IN_MESSAGE === 1 ? '' : 's'}`);
  const required = requiredParams(schema).filter((param) => !filled.includes(param));
  const tail = missing.length > 0 && required.length > 0 ? `\nRequired: ${required.join(', ')}` : '';
  const data: Record<string, unknown> = {
    code: 'INVALID',
    issues: [...missing.map((path) => ({ path: path.split('.'), code: 'missing', message: 'required' })), ...shown].slice(0, MAX_ISSUES),
  };
  if (issues.length > MAX_ISSUES) data.issues_total = issues.length;
  return new JSONRPCErrorException(`Invalid params for ${name}: ${parts.join('; ')}${tail}`, RpcCodes.INVALID_PARAMS, data);
}

/** One validation issue as the caller reads it: unknown params name the one meant, a union names its accepted shapes. */
export function paramIssue(issue: z.core.$ZodIssue, schema: z.ZodType, params?: unknown, method = 'METHOD'): ParamIssue {
  const path = issue.path.map(String);
  const at = schemaAt(schema, path);
  if (issue.code === 'unrecognized_keys') return { path, code: issue.code, message: unknownKeys(issue.keys, at) };
  if (issue.code === 'invalid_value') return { path, code: issue.code, message: choiceMessage(issue.values, valueAt(params, path), method) };
  if (issue.code === 'invalid_union') {
    const shapes = unionShapes(at);
    if (shapes) return { path, code: issue.code, message: `expected ${shapes}` };
  }
  return { path, code: issue.code, message: cut(issue.message, MAX_ISSUE_CHARS) };
}

/** A value outside a fixed set: every choice when they are few, else the nearest one ("did you mean backup_every_hours?"). */
function choiceMessage(values: readonly unknown[], given: unknown, method: string): string {
  const choices = values.map(String);
  const nearest = typeof given === 'string' ? nearestName(given, choices) : undefined;
  const shown = typeof given === 'string' ? quoteName(escapeInvisible(given.slice(0, 200))) : cut(JSON.stringify(given) ?? String(given), 60);
  if (choices.length <= 8) return `${shown} is not one of ${choices.join(', ')}${nearest ? `; did you mean ${nearest}?` : ''}`;
  return `${shown} is not one of its ${choices.length} choices; ${nearest ? `did you mean ${nearest}?` : `brains rpc --describe ${method} lists them`}`;
}

function valueAt(params: unknown, path: readonly string[]): unknown {
  let at: unknown = params;
  for (const key of path) at = at !== null && typeof at === 'object' && Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

function unknownKeys(unknown: readonly string[], at: z.ZodType | undefined): string {
  const known = at instanceof z.ZodObject ? Object.keys(at.shape as Record<string, unknown>) : [];
  const shown = unknown.slice(0, SHOWN_KEYS).map((key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  const more = unknown.length > SHOWN_KEYS ? ` and ${unknown.length - SHOWN_KEYS} more` : '';
  const first = unknown[0]!;
  const nearest = unknown.length === 1 && first.length <= LONGEST_GUESSABLE ? nearestName(first, known) : undefined;
  const advice = nearest ? `did you mean ${nearest}?` : known.length > 0 ? `it takes ${cut(known.join(', '), MAX_ISSUE_CHARS)}` : 'it takes no params';
  return `unknown param${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${more}; ${advice}`;
}

/** A union of objects as the caller may write it: "{session_id} or {project_id, agent_name}". */
function unionShapes(schema: z.ZodType | undefined): string | undefined {
  const options = schema instanceof z.ZodUnion ? (schema.options as z.ZodType[]) : undefined;
  if (!options || !options.every((option) => option instanceof z.ZodObject)) return undefined;
  return options.map((option) => `{${Object.keys((option as z.ZodObject).shape).join(', ')}}`).join(' or ');
}

/** The schema a path leads to inside the params (through optional, nullable, default and object layers), if plain. */
function schemaAt(root: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root);
  for (const key of path) {
    if (!(schema instanceof z.ZodObject)) return undefined;
    schema = unwrap((schema.shape as Record<string, z.ZodType>)[key]);
  }
  return schema;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = (current as z.ZodOptional<z.ZodType>).unwrap() as z.ZodType;
  }
  return current;
}

/** A required param left out: the issue's path leads to nothing in what was sent. */
function isMissing(issue: z.core.$ZodIssue, params: unknown): boolean {
  if ((issue.code !== 'invalid_type' && issue.code !== 'invalid_value') || issue.path.length !== 1) return false;
  return params !== null && typeof params === 'object' && !Array.isArray(params) && (params as Record<PropertyKey, unknown>)[issue.path[0]!] === undefined;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
