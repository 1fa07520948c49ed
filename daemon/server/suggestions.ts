// Wrong method and param names answered with the nearest valid one, so a caller learns what to send instead.
import { z } from 'zod';
import type { MethodDef } from '../../rpc/contract/define.js';
import { RpcCodes } from '../../rpc/errors.js';
import { nearestName } from '../../rpc/nearest-name.js';
import { errorResponse, type ErrorResponse } from './requests.js';

/** Longer names are not typos of ours; skipping them keeps a hostile name from costing an edit-distance table. */
const LONGEST_GUESSABLE = 80;
const SHOWN_KEYS = 3;

export interface ParamIssue {
  path: string[];
  code: string;
  message: string;
}

/** The spec's Method not found, with a hint naming the method the caller most likely meant. */
export function methodNotFound(method: string, names: readonly string[], id: string | number | null): ErrorResponse {
  const nearest = method.length <= LONGEST_GUESSABLE ? nearestName(method, names) : undefined;
  const hint = `${nearest ? `did you mean ${nearest}? ` : ''}call system.methods for the list`;
  return errorResponse(RpcCodes.METHOD_NOT_FOUND, 'Method not found', id, { code: 'NOT_FOUND', hint });
}

/** One validation issue as the caller reads it; an unknown top-level param names the one it meant, or lists them all. */
export function paramIssue(issue: z.core.$ZodIssue, def: MethodDef): ParamIssue {
  const path = issue.path.map(String);
  if (issue.code !== 'unrecognized_keys' || path.length > 0 || !(def.params instanceof z.ZodObject)) {
    return { path, code: issue.code, message: issue.message };
  }
  const known = Object.keys(def.params.shape as Record<string, unknown>);
  const unknown = issue.keys;
  const shown = unknown.slice(0, SHOWN_KEYS).map((key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  const more = unknown.length > SHOWN_KEYS ? ` and ${unknown.length - SHOWN_KEYS} more` : '';
  const first = unknown[0]!;
  const nearest = unknown.length === 1 && first.length <= LONGEST_GUESSABLE ? nearestName(first, known) : undefined;
  const advice = nearest ? `did you mean ${nearest}?` : known.length > 0 ? `it takes ${known.join(', ')}` : 'it takes no params';
  return { path, code: issue.code, message: `unknown param${unknown.length > 1 ? 's' : ''} ${shown.join(', ')}${more}; ${advice}` };
}
