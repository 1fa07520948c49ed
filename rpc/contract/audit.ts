// Contract of the audit plane: who changed what, when, with what outcome — and proof the record was not edited.
import { z } from 'zod';
import { defineMethods } from './define.js';

const auditRow = z.object({
  seq: z.number().int(),
  time: z.string(),
  actor: z.string().describe('project/agent, or operator'),
  session_id: z.string().nullable(),
  method: z.string(),
  subject: z.string().nullable(),
  params_digest: z.string().describe('SHA-256 of the call params as sent (JSON)'),
  outcome: z.string().describe('ok, or the error code; a call refused at the MCP HTTP edge adds which key was refused'),
  prev_hash: z.string(),
  hash: z.string(),
});

export const auditMethods = defineMethods({
  'audit.list': {
    summary: 'Audit rows (one per mutating call), oldest first, filtered by actor, method or subject.',
    params: z
      .object({
        actor: z.string().max(600).optional(),
        method: z.string().max(200).optional(),
        subject: z.string().max(600).optional(),
        after_seq: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    result: z.object({ rows: z.array(auditRow) }),
    emits: [],
  },
  'audit.verify': {
    summary: 'Check the hash chain of the whole audit trail and name the first row that was tampered with.',
    params: z.object({}).strict(),
    result: z.object({ ok: z.boolean(), checked: z.number().int(), first_broken_seq: z.number().int().nullable(), reason: z.string().nullable() }),
    emits: [],
  },
});
