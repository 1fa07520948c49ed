// Contract of the audit plane: who changed what, when, with what outcome — and proof the record was not edited.
import { z } from 'zod';
import { OPERATOR_ONLY, defineMethods } from './define.js';

const auditRow = z.object({
  seq: z.number().int(),
  time: z.string(),
  actor: z.string().describe('The principal that called: operator, instance:<session_id>, token:<project>/<agent> or client:<tool> (rows from before principals: what the params claimed)'),
  acting_as: z.string().nullable().describe('The agent the call acted as, project/agent; null when it acted as nobody in particular'),
  session_id: z.string().nullable(),
  method: z.string(),
  subject: z.string().nullable(),
  params_digest: z.string().describe('SHA-256 of the call params as sent (JSON)'),
  outcome: z.string().describe('ok, or the error code (INVALID_PARAMS, PERMISSION_DENIED, CONFLICT...)'),
  v: z.number().int().describe('How the row is hashed: 1 before principals, 2 with acting_as'),
  prev_hash: z.string(),
  hash: z.string(),
});

export const auditMethods = defineMethods({
  'audit.list': {
    summary: 'Audit rows (one per mutating call, and every refusal), oldest first, filtered by principal, agent, method or subject.',
    description: 'A per-agent token sees only the rows of its own project.',
    params: z
      .object({
        actor: z.string().max(600).optional().describe('The principal, as rows name it (operator, token:p/a, instance:<session_id>, client:<tool>).'),
        acting_as: z.string().max(600).optional().describe('The agent acted as, project/agent.'),
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
    allow: OPERATOR_ONLY,
  },
});
